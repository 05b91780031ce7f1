// libFuzzer target: the trace reader and dump on arbitrary bytes (sim/trace/reader.h).
// Besides never crashing, checks the reader's promises: a complete trace ends with its RunEnd,
// every error is DataLoss and names a byte offset, and records are numbered and ordered.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sim/trace/dump.h"
#include "sim/trace/reader.h"

namespace {

void Require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "trace_reader_fuzz: broken promise: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ws2sim::trace;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const ReadResult read = ReadTraceBytes(bytes, "fuzz.w2t");
  const Trace& trace = read.trace;
  if (read.status.ok()) {
    Require(
        trace.end.has_value() && !trace.records.empty() && trace.records.back().record.has_end(),
        "a complete trace ends with its RunEnd");
  } else {
    Require(read.status.code() == absl::StatusCode::kDataLoss, "errors are DataLoss");
    Require(std::string(read.status.message()).rfind("fuzz.w2t: byte ", 0) == 0,
            "errors start with the name and a byte offset");
  }
  for (size_t i = 0; i < trace.records.size(); ++i) {
    Require(trace.records[i].seq == i, "seq is the index");
    Require(trace.records[i].offset < size, "offsets lie in the input");
    if (i > 0) {
      Require(trace.records[i].offset > trace.records[i - 1].offset, "offsets increase");
      Require(trace.records[i].time >= trace.records[i - 1].time, "time never goes backwards");
    }
  }
  const std::string dump = DumpTrace(trace);
  size_t lines = 0;
  for (char c : dump) lines += c == '\n';
  Require(lines == 1 + trace.records.size(), "one dump line per record");
  return 0;
}
