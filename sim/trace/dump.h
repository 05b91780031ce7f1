// Text form of a trace: one stable line per record, for `ws2sim trace dump` and golden tests.
//
// Lines are deterministic (they depend on the trace only) and one record is always one line:
// strings are double-quoted with C escapes (absl::CEscape), and names printed bare (lane names,
// schedule ids, header values) are quoted the same way unless they are non-empty printable ASCII
// without spaces, quotes or backslashes. Enum values print as their lowercased name without the
// prefix ("park", "fiber", "completed"), or "unknown(N)" for values this build does not know.
//
// Record lines: "#<seq> <time> <kind> ..." with time from sim::VirtualTime::ToString():
//   #3 0 string 2 "client-1"                       StringDef: id, text
//   #4 0 lane 1 fiber client-1 parent=engine        LaneDef: lane, kind, name, parent lane name
//   #12 12.00025ms fiber client-1 park "sleep 10us" FiberEvent: lane name, action, [reason]
//   #40 1.5ms choice 1/3 lane=client-2              Choice: chosen/alternatives, lane name
//   #41 1.5ms note client-1 "sent" a=5 b=-1         Note: lane name, text, a, b
//   #99 2ms end completed events=123 schedule=s1.7.x "message"   RunEnd
// Lane names come from Trace::LaneName ("engine", "lane#N" for lanes without a name).
#ifndef WS2SIM_SIM_TRACE_DUMP_H_
#define WS2SIM_SIM_TRACE_DUMP_H_

#include <string>

#include "sim/trace/reader.h"

namespace ws2sim::trace {

// One line for `record` (a record of `trace`), without a trailing newline.
std::string DumpRecord(const Trace& trace, const TraceRecord& record);

// The header line, "trace format=1 scenario=S seed=N strategy=S build=S", then
// " replay_schedule=S" if set and " arg=S" per argument; then DumpRecord of every record. Every
// line ends with '\n'.
std::string DumpTrace(const Trace& trace);

}  // namespace ws2sim::trace

#endif  // WS2SIM_SIM_TRACE_DUMP_H_
