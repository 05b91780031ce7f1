// The engine demo: the main job until the first Winsock scenario lands.
//
// A small request/response world built from the engine alone: `clients` client threads each send
// `requests` requests to one server thread over a jittery, lossy channel (delays from each
// direction's own Rng stream, quantised to 10 us so that deliveries collide and make choice
// points), retransmitting after a timeout; the server spends a random service time per request.
// It exercises fibers, parking with deadlines, timers, cancellation, choice points and the trace.
#ifndef WS2SIM_SCENARIOS_DEMO_H_
#define WS2SIM_SCENARIOS_DEMO_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "sim/scheduler.h"

namespace ws2sim::scenarios {

struct DemoOptions {
  uint64_t seed = 1;
  std::string strategy = "fifo";  // "fifo" or "random"; ignored when replay_schedule is set
  std::string replay_schedule;    // a schedule id to follow exactly (sim/schedule_id.h)
  int clients = 4;
  int requests = 5;               // per client
  double loss = 0.05;             // per message, each direction
  std::string trace_path;         // empty: no trace file
  sim::RunLimits limits;
};

struct DemoResult {
  sim::RunResult run;
  uint64_t messages_sent = 0;
  uint64_t messages_lost = 0;
  uint64_t retransmissions = 0;
  uint64_t replies_received = 0;
  uint64_t trace_records = 0;
  uint64_t trace_bytes = 0;
};

// Runs the demo, printing one line per request completed (and the summary) to `out` when
// non-null. Errors: bad options (InvalidArgumentError naming the option), trace file problems.
absl::StatusOr<DemoResult> RunDemo(const DemoOptions& options, std::ostream* out);

}  // namespace ws2sim::scenarios

#endif  // WS2SIM_SCENARIOS_DEMO_H_
