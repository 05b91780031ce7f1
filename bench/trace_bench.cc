// trace::Recorder throughput and size for a typical record mix (DESIGN.md section 8).
// Targets (Release): <= 16 bytes per record, >= 20 million records/s in memory.
//
// The mix: 40% fiber resume/park (park with one of a handful of interned reasons), 20% choices,
// 40% notes with small values, dt 0..10000 ns between records, drawn from a fixed LCG. The
// operations are generated before timing, so only the recorder is measured.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "sim/time.h"
#include "sim/trace/recorder.h"
#include "sim/trace/trace.pb.h"

namespace ws2sim::trace {
namespace {

enum class Kind : uint8_t { kResume, kPark, kChoice, kNote };

struct Op {
  Kind kind;
  LaneId lane;
  uint32_t x;  // reason index, choice alternatives, or note text index
  uint32_t y;  // chosen, or note a/b source
  int64_t dt_ns;
};

constexpr LaneId kLanes = 8;
constexpr int kReasons = 5;
constexpr int kNoteTexts = 3;
constexpr size_t kOps = 1 << 16;              // cycled through
constexpr uint64_t kRestartBytes = 64 << 20;  // a new recorder (untimed) past this size

// Knuth's MMIX LCG: fixed, so every run records the same mix.
struct Lcg {
  uint64_t state = 1;
  uint32_t Next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
};

std::vector<Op> TypicalMix() {
  Lcg lcg;
  std::vector<Op> ops(kOps);
  for (Op& op : ops) {
    op.dt_ns = lcg.Next() % 10001;
    const uint32_t r = lcg.Next();
    op.lane = 1 + r % kLanes;
    const uint32_t pick = r / kLanes % 10;  // 0-1 resume, 2-3 park, 4-5 choice, 6-9 note
    op.kind = pick < 2   ? Kind::kResume
              : pick < 4 ? Kind::kPark
              : pick < 6 ? Kind::kChoice
                         : Kind::kNote;
    switch (op.kind) {
      case Kind::kPark:
        op.x = r / 256 % kReasons;
        op.y = 0;
        break;
      case Kind::kChoice:
        op.x = 2 + r / 256 % 3;
        op.y = r / 1024 % op.x;
        break;
      case Kind::kNote:
        op.x = r / 256 % kNoteTexts;
        op.y = r / 1024;
        break;
      case Kind::kResume:
        op.x = op.y = 0;
        break;
    }
  }
  return ops;
}

pb::TraceHeader BenchHeader() {
  pb::TraceHeader header;
  header.set_scenario("trace_bench");
  header.set_strategy("fifo");
  return header;
}

// The records of one run: lanes and strings defined up front, then ops replayed from `next`.
class MixRecorder {
 public:
  explicit MixRecorder(std::unique_ptr<Recorder> recorder) : r_(std::move(recorder)) {
    for (LaneId lane = 1; lane <= kLanes; ++lane) {
      r_->LaneDef(sim::VirtualTime::Zero(), lane, pb::LANE_FIBER, "fiber-" + std::to_string(lane),
                  0);
    }
    const char* reasons[kReasons] = {"sleep", "recv", "accept", "select", "event"};
    for (int i = 0; i < kReasons; ++i) reasons_[i] = r_->Intern(reasons[i]);
    const char* texts[kNoteTexts] = {"sent", "received", "queued"};
    for (int i = 0; i < kNoteTexts; ++i) note_texts_[i] = r_->Intern(texts[i]);
    first_record_ = r_->records();
    first_byte_ = r_->bytes();
  }

  void Record(const Op& op) {
    t_ += sim::Duration::Nanoseconds(op.dt_ns);
    switch (op.kind) {
      case Kind::kResume:
        r_->Fiber(t_, op.lane, pb::FIBER_RESUME, 0);
        break;
      case Kind::kPark:
        r_->Fiber(t_, op.lane, pb::FIBER_PARK, reasons_[op.x]);
        break;
      case Kind::kChoice:
        r_->Choice(t_, op.x, op.y, op.lane);
        break;
      case Kind::kNote:
        r_->Note(t_, op.lane, note_texts_[op.x], static_cast<int64_t>(op.y % 100) - 50,
                 op.y / 128 % 50);
        break;
    }
  }

  Recorder& recorder() { return *r_; }
  uint64_t mix_records() const { return r_->records() - first_record_; }
  uint64_t mix_bytes() const { return r_->bytes() - first_byte_; }

 private:
  std::unique_ptr<Recorder> r_;
  StringId reasons_[kReasons];
  StringId note_texts_[kNoteTexts];
  sim::VirtualTime t_;
  uint64_t first_record_ = 0;
  uint64_t first_byte_ = 0;
};

// Runs the mix through recorders from `make`, starting a new one (untimed) every kRestartBytes.
template <typename MakeFn>
void RunMix(benchmark::State& state, MakeFn make) {
  const std::vector<Op> ops = TypicalMix();
  auto mix = std::make_unique<MixRecorder>(make());
  uint64_t records = 0;
  uint64_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    for (int k = 0; k < 1024; ++k) {
      mix->Record(ops[i]);
      i = (i + 1) % kOps;
    }
    if (mix->recorder().bytes() > kRestartBytes) {
      state.PauseTiming();
      records += mix->mix_records();
      bytes += mix->mix_bytes();
      mix.reset();  // closes a file before make() truncates it
      mix = std::make_unique<MixRecorder>(make());
      state.ResumeTiming();
    }
  }
  records += mix->mix_records();
  bytes += mix->mix_bytes();
  state.counters["bytes_per_record"] = static_cast<double>(bytes) / static_cast<double>(records);
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

void BM_RecordTypicalMixInMemory(benchmark::State& state) {
  RunMix(state, [] { return Recorder::InMemory(BenchHeader()); });
}
BENCHMARK(BM_RecordTypicalMixInMemory);

void BM_RecordTypicalMixToFile(benchmark::State& state) {
  char path[] = "/tmp/ws2sim_trace_bench_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) {
    state.SkipWithError("mkstemp failed");
    return;
  }
  close(fd);
  RunMix(state, [&] {
    absl::StatusOr<std::unique_ptr<Recorder>> r = Recorder::Open(path, BenchHeader());
    if (!r.ok()) std::abort();
    return *std::move(r);
  });
  unlink(path);
}
BENCHMARK(BM_RecordTypicalMixToFile);

}  // namespace
}  // namespace ws2sim::trace
