// The `ws2sim` command (DESIGN.md section 2: scenarios/ holds the command and its jobs).
//
//   ws2sim demo [--seed=N] [--strategy=fifo|random] [--schedule=ID] [--trace=FILE]
//               [--clients=N] [--requests=N] [--loss=P] [--quiet]
//               [--max_events=N] [--max_virtual_ms=N] [--max_wall_seconds=S]
//   ws2sim trace dump FILE
//   ws2sim version
//
// Exit status: 0 when the run completed; 1 when it stopped for any other reason (deadlock, a
// limit, a failed check, a diverged replay) or a file could not be read or written; 2 for a
// usage error.
#ifndef WS2SIM_SCENARIOS_CLI_H_
#define WS2SIM_SCENARIOS_CLI_H_

#include <ostream>

namespace ws2sim::scenarios {

int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace ws2sim::scenarios

#endif  // WS2SIM_SCENARIOS_CLI_H_
