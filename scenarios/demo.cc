#include "scenarios/demo.h"

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/build_id.h"
#include "sim/rng.h"
#include "sim/schedule_id.h"

namespace ws2sim::scenarios {
namespace {

using sim::Duration;
using sim::FiberId;
using sim::LaneId;
using sim::Scheduler;
using sim::VirtualTime;

struct Message {
  int client;
  int request;
  int attempt;
};

// A thread's inbox: messages delivered by the channel, one waiting reader at most.
struct Inbox {
  std::deque<Message> messages;
  FiberId reader = sim::kNoFiber;
};

// One direction of the channel: its own lane (deliveries stay in order) and its own Rng stream.
struct Direction {
  LaneId lane;
  sim::Rng rng;
};

class DemoWorld {
 public:
  DemoWorld(const DemoOptions& options, Scheduler& scheduler, std::ostream* out)
      : options_(options), sched_(scheduler), out_(out), server_rng_(sim::Rng::Stream(options.seed, "server")) {
    inboxes_.resize(options.clients + 1);  // [0] is the server
    for (int c = 1; c <= options.clients; ++c) {
      to_server_.push_back(Direction{
          sched_.NewLane(absl::StrCat("link client-", c, " > server"), trace::pb::LANE_LINK),
          sim::Rng::Stream(options.seed, absl::StrCat("link/client-", c, "/up"))});
      to_client_.push_back(Direction{
          sched_.NewLane(absl::StrCat("link server > client-", c), trace::pb::LANE_LINK),
          sim::Rng::Stream(options.seed, absl::StrCat("link/client-", c, "/down"))});
    }
    trace::Recorder* rec = sched_.recorder();
    if (rec != nullptr) {
      note_sent_ = rec->Intern("sent");
      note_lost_ = rec->Intern("lost");
      note_delivered_ = rec->Intern("delivered");
      note_done_ = rec->Intern("reply received");
    }
  }

  void Start() {
    const LaneId process = sched_.NewLane("demo", trace::pb::LANE_PROCESS);
    server_ = sched_.Spawn("server", [this] { Server(); },
                           sim::SpawnOptions{.parent = process, .daemon = true});
    for (int c = 1; c <= options_.clients; ++c) {
      sched_.Spawn(absl::StrCat("client-", c), [this, c] { Client(c); },
                   sim::SpawnOptions{.parent = process,
                                     .start_delay = Duration::Microseconds(10 * (c - 1))});
    }
  }

  DemoResult& result() { return result_; }

 private:
  static Duration Quantise(Duration d) { return Duration::Microseconds(10) * (d.ns() / 10000); }

  void Note(LaneId lane, trace::StringId text, int64_t a, int64_t b) {
    if (sched_.recorder() != nullptr) sched_.recorder()->Note(sched_.Now(), lane, text, a, b);
  }

  // Sends `m` to inbox `to` over `dir`: lost with probability options_.loss, else delivered after
  // 1 ms plus an exponential jitter with mean 200 us, quantised to 10 us.
  void Send(Direction& dir, int to, const Message& m) {
    ++result_.messages_sent;
    Note(dir.lane, note_sent_, m.client, m.request);
    if (dir.rng.Bernoulli(options_.loss)) {
      ++result_.messages_lost;
      Note(dir.lane, note_lost_, m.client, m.request);
      return;
    }
    const Duration delay =
        Duration::Milliseconds(1) + Quantise(dir.rng.ExponentialDuration(Duration::Microseconds(200)));
    pending_.push_back(Pending{to, m, dir.lane});
    const size_t index = pending_.size() - 1;
    sched_.ScheduleAfter(delay, dir.lane, [this, index] { Deliver(index); });
  }

  void Deliver(size_t index) {
    const Pending& p = pending_[index];
    Note(p.lane, note_delivered_, p.message.client, p.message.request);
    Inbox& inbox = inboxes_[p.to];
    inbox.messages.push_back(p.message);
    if (inbox.reader != sim::kNoFiber) sched_.Unpark(inbox.reader);
  }

  // Blocks the calling thread until its inbox has a message or `deadline` passes.
  std::optional<Message> Receive(int me, VirtualTime deadline, absl::string_view reason) {
    Inbox& inbox = inboxes_[me];
    while (inbox.messages.empty()) {
      inbox.reader = sched_.CurrentFiber();
      const sim::WakeReason wake = sched_.Park(reason, deadline);
      inbox.reader = sim::kNoFiber;
      if (wake == sim::WakeReason::kTimedOut && inbox.messages.empty()) return std::nullopt;
    }
    Message m = inbox.messages.front();
    inbox.messages.pop_front();
    return m;
  }

  void Server() {
    for (;;) {
      std::optional<Message> m = Receive(0, VirtualTime::Max(), "receive a request");
      sched_.Sleep(Quantise(server_rng_.ExponentialDuration(Duration::Microseconds(50))));
      Send(to_client_[m->client - 1], m->client, *m);
    }
  }

  void Client(int c) {
    const Duration timeout = Duration::Milliseconds(5);
    for (int r = 1; r <= options_.requests; ++r) {
      const VirtualTime start = sched_.Now();
      for (int attempt = 1;; ++attempt) {
        if (attempt > 1) ++result_.retransmissions;
        Send(to_server_[c - 1], 0, Message{c, r, attempt});
        sched_.Yield();  // a choice point: other threads due now may go first
        std::optional<Message> reply;
        const VirtualTime deadline = sched_.Now() + timeout;
        // Replies to earlier attempts of earlier requests may still arrive: skip them.
        while ((reply = Receive(c, deadline, absl::StrCat("reply to request ", r))) &&
               reply->request != r) {
        }
        if (!reply) continue;  // timed out: retransmit
        ++result_.replies_received;
        Note(to_client_[c - 1].lane, note_done_, r, attempt);
        if (out_ != nullptr) {
          *out_ << absl::StrFormat("[%12s] client-%d: request %d answered after %s (%d attempt%s)\n",
                                   sched_.Now().ToString(), c, r, (sched_.Now() - start).ToString(),
                                   attempt, attempt == 1 ? "" : "s");
        }
        break;
      }
    }
  }

  struct Pending {
    int to;
    Message message;
    LaneId lane;
  };

  const DemoOptions& options_;
  Scheduler& sched_;
  std::ostream* out_;
  sim::Rng server_rng_;
  std::vector<Direction> to_server_;
  std::vector<Direction> to_client_;
  std::vector<Inbox> inboxes_;
  std::vector<Pending> pending_;
  FiberId server_ = sim::kNoFiber;
  DemoResult result_;
  trace::StringId note_sent_ = 0, note_lost_ = 0, note_delivered_ = 0, note_done_ = 0;
};

}  // namespace

absl::StatusOr<DemoResult> RunDemo(const DemoOptions& options, std::ostream* out) {
  if (options.clients < 1 || options.clients > 100000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--clients must be between 1 and 100000 (got ", options.clients, ")"));
  }
  if (options.requests < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--requests must be at least 1 (got ", options.requests, ")"));
  }
  if (!(options.loss >= 0.0 && options.loss < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--loss must be in [0, 1) (got ", options.loss, ")"));
  }

  absl::StatusOr<sim::ChosenStrategy> chosen =
      sim::ChooseStrategy(options.strategy, options.seed, options.replay_schedule);
  if (!chosen.ok()) return chosen.status();
  const uint64_t seed = chosen->seed;
  const std::string strategy_name = chosen->name;
  std::unique_ptr<sim::ScheduleStrategy> strategy = std::move(chosen->strategy);

  trace::pb::TraceHeader header;
  header.set_scenario("demo");
  header.set_seed(seed);
  header.set_strategy(strategy_name);
  header.set_build_id(std::string(BuildId()));
  header.set_replay_schedule(options.replay_schedule);
  header.add_args(absl::StrCat("clients=", options.clients));
  header.add_args(absl::StrCat("requests=", options.requests));
  header.add_args(absl::StrCat("loss=", options.loss));
  std::unique_ptr<trace::Recorder> recorder;
  if (!options.trace_path.empty()) {
    absl::StatusOr<std::unique_ptr<trace::Recorder>> opened =
        trace::Recorder::Open(options.trace_path, header);
    if (!opened.ok()) return opened.status();
    recorder = *std::move(opened);
  }

  DemoOptions effective = options;
  effective.seed = seed;
  DemoResult result;
  {
    Scheduler scheduler(Scheduler::Options{.seed = seed,
                                           .strategy = std::move(strategy),
                                           .recorder = recorder.get(),
                                           .limits = options.limits});
    DemoWorld world(effective, scheduler, out);
    world.Start();
    const sim::RunResult run = scheduler.Run();
    result = world.result();
    result.run = run;
    if (recorder != nullptr) {
      recorder->End(scheduler.Now(), run.reason, run.schedule_id, run.message, run.events);
    }
  }
  if (recorder != nullptr) {
    result.trace_records = recorder->records();
    result.trace_bytes = recorder->bytes();
    if (absl::Status s = recorder->Close(); !s.ok()) return s;
  }
  return result;
}

}  // namespace ws2sim::scenarios
