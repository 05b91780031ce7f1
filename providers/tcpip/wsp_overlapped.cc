// The tcpip provider's overlapped operations (S1 §3.1.20-3.1.23, §4.5; SPEC 2.19).
#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {

void ProgressOverlapped(TcpipSocket* s) { (void)s; }

void CancelOverlapped(TcpipSocket* s) { (void)s; }

}  // namespace ws2sim::providers::tcpip
