// Parameters of the TCP engine: stack-wide timing (TcpConfig, one per simulated host or provider)
// and per-connection socket options (TcpSocketOptions, what setsockopt changes).
//
// Defaults follow the Windows stacks of the Winsock 2 era (Windows NT 4.0 / 2000 registry
// parameters under Tcpip\Parameters) where one exists, otherwise the RFC named next to the field.
// Every value is configurable so a scenario can shorten the long ones (TIME_WAIT, keepalive).
#ifndef WS2SIM_PROVIDERS_TCPIP_OPTIONS_H_
#define WS2SIM_PROVIDERS_TCPIP_OPTIONS_H_

#include <cstdint>

#include "providers/tcpip/segment.h"
#include "sim/time.h"

namespace ws2sim::providers::tcpip {

struct TcpConfig {
  // --- Retransmission (RFC 6298; RFC 1122 section 4.2.3.1) ----------------------------------
  // RTO before the first RTT sample. 3 s: RFC 1122 / RFC 2988 and Windows TcpInitialRTT (RFC
  // 6298 lowered it to 1 s, Windows kept 3 s for SYNs).
  sim::Duration initial_rto = sim::Duration::Seconds(3);
  // Lower bound of the computed RTO. 1 s (RFC 6298 section 2.4). A 200 ms floor (Linux) equals
  // the peer's 200 ms delayed-ACK timeout, so on a LAN a lone segment whose ACK is delayed would
  // be retransmitted spuriously at every write; Windows avoids that with a 300 ms floor.
  sim::Duration min_rto = sim::Duration::Seconds(1);
  // Upper bound of the RTO, backoff included. 60 s (RFC 6298 section 2.5).
  sim::Duration max_rto = sim::Duration::Seconds(60);
  // G in RTO = SRTT + max(G, 4 * RTTVAR) (RFC 6298 section 2.3): the virtual clock is exact, so
  // the granularity is a modelling choice; 1 ms.
  sim::Duration clock_granularity = sim::Duration::Milliseconds(1);
  // SYN retransmissions before connect fails with kTimedOut. 3 (Windows NT 4.0
  // TcpMaxConnectRetransmissions): SYNs at 0, 3, 9, 21 s; failure at 45 s.
  int max_syn_retransmissions = 3;
  // SYN-ACK retransmissions before a half-open connection is dropped. 2 (Windows
  // TcpMaxConnectResponseRetransmissions): SYN-ACKs at 0, 3, 9 s; dropped at 21 s.
  int max_synack_retransmissions = 2;
  // Consecutive timeouts of one segment before the connection fails with kTimedOut. 5 (Windows
  // TcpMaxDataRetransmissions): the segment is sent 6 times, the failure comes after 63 RTOs.
  int max_data_retransmissions = 5;

  // --- Acknowledgments (RFC 1122 section 4.2.3.2; RFC 5681 section 4.2) ---------------------
  // Delayed ACK timeout. 200 ms (Windows TcpDelAckTicks = 2 ticks of 100 ms).
  sim::Duration delayed_ack = sim::Duration::Milliseconds(200);
  // An ACK goes out at once for every this many in-order data segments. 2 (Windows
  // TcpAckFrequency; RFC 5681 "at least every second full-sized segment"). 1 disables delay.
  int ack_every_segments = 2;

  // --- Zero-window probes (RFC 1122 section 4.2.2.17) ---------------------------------------
  // Probe n goes out after clamp(RTO << n, persist_min, persist_max) (BSD tcp_setpersist).
  sim::Duration persist_min = sim::Duration::Milliseconds(500);
  sim::Duration persist_max = sim::Duration::Seconds(60);

  // --- Closing -------------------------------------------------------------------------------
  // TIME_WAIT lasts 2 * MSL. 240 s (Windows TcpTimedWaitDelay; MSL = 120 s, RFC 793).
  sim::Duration time_wait = sim::Duration::Seconds(240);
  // A connection closed with Close() (no owner left to read) leaves FIN_WAIT_2 after this.
  // 240 s (Windows TcpFinWait2Delay). A connection only shut down for sending waits forever.
  sim::Duration fin_wait_2_timeout = sim::Duration::Seconds(240);
  // Close() with received data the owner never read resets the connection instead of sending a
  // FIN (RFC 2525 section 2.17; Windows and BSD do this).
  bool reset_on_close_with_unread_data = true;
  // Data arriving after Close() is answered with RST and the connection dropped (BSD, Windows).
  bool reset_on_data_after_close = true;

  // --- Keepalive (RFC 1122 section 4.2.3.6), used when TcpSocketOptions::keepalive ------------
  // Idle time before the first probe. 2 h (Windows KeepAliveTime).
  sim::Duration keepalive_idle = sim::Duration::Seconds(2 * 3600);
  // Time between unanswered probes. 1 s (Windows KeepAliveInterval).
  sim::Duration keepalive_interval = sim::Duration::Seconds(1);
  // Unanswered probes before the connection fails with kTimedOut / kKeepaliveTimedOut. 5
  // (Windows 2000: TcpMaxDataRetransmissions; Vista raised it to 10).
  int keepalive_probes = 5;

  // --- Congestion control (RFC 5681 with NewReno fast recovery, RFC 6582) --------------------
  // Off: the window is the peer's receive window alone (a 1981 TCP); RTO still backs off.
  bool congestion_control = true;
  // Initial congestion window in segments. 2 (RFC 2581, Windows 2000).
  uint32_t initial_cwnd_segments = 2;

  // --- Urgent data ---------------------------------------------------------------------------
  // A MSG_OOB send may exceed the send buffer by this much (BSD sosend allows 1024).
  uint32_t oob_send_slack_bytes = 1024;
};

// Per-connection options: the socket options of SPEC section 3.1 that reach TCP. Linger is not
// here: the owner implements it with Close(), Abort() and the kSendCompleted event.
struct TcpSocketOptions {
  // SO_SNDBUF: bytes Send() may queue (unsent + unacknowledged). 8192 (classic Winsock default).
  // 0 is treated as 1 (Windows sends from the caller's buffer then; this engine always copies).
  uint32_t send_buffer_bytes = 8192;
  // SO_RCVBUF: bytes of in-order data held for Recv(); the advertised window is what is free.
  // 8192 (classic Winsock default). Above 65535 the SYN offers window scaling (RFC 7323), with
  // the smallest shift that makes the buffer fit in 16 bits. Set before Connect / Listen.
  uint32_t receive_buffer_bytes = 8192;
  // TCP_NODELAY: false = Nagle's algorithm (RFC 896) on.
  bool no_delay = false;
  // SO_KEEPALIVE.
  bool keepalive = false;
  // SO_OOBINLINE: the urgent byte stays in the normal stream behind a mark.
  bool oob_inline = false;
  // The MSS this end advertises and the largest segment it sends: the provider passes the route
  // MTU - 40. 536 by default (RFC 1122).
  uint16_t mss = kDefaultMss;
};

}  // namespace ws2sim::providers::tcpip

#endif  // WS2SIM_PROVIDERS_TCPIP_OPTIONS_H_
