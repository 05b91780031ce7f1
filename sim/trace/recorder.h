// trace::Recorder writes a run's trace as it goes (DESIGN.md section 8; format in trace.proto).
//
// Invariants:
//  - The header is written by Open; records follow in call order; each record is complete in the
//    buffer before the next begins, and the buffer is flushed when it fills, on Flush and on
//    Close, so a killed run leaves a readable prefix (at most one buffer is lost).
//  - Record times never go backwards: a time earlier than the previous record's is an invariant
//    violation and aborts with a message (the engine never does it).
//  - Strings are interned: Intern returns the same id for the same text and writes the StringDef
//    the first time. Callers on hot paths intern once and keep the id.
//  - Writing allocates nothing per record in steady state (a fixed buffer and varint encoding).
//  - Every string written (header fields, interned strings, RunEnd's) is valid UTF-8, as proto3
//    requires: text that is not is written C-hex-escaped (byte 0xE9 becomes the 4 chars \xe9).
// Not thread-safe: one run is one OS thread (DESIGN.md section 3).
#ifndef WS2SIM_SIM_TRACE_RECORDER_H_
#define WS2SIM_SIM_TRACE_RECORDER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/time.h"
#include "sim/trace/trace.pb.h"

namespace ws2sim::trace {

inline constexpr char kMagic[8] = {'W', '2', 'S', 'I', 'M', 'T', 'R', 'C'};
inline constexpr uint32_t kFormatVersion = 1;

using StringId = uint32_t;  // 0 is the empty string
using LaneId = uint32_t;    // 0 is the engine's lane

// The fields of one Packet record (trace.proto); zero fields are not written.
struct PacketFields {
  LaneId lane = 0;
  pb::PacketEvent event = pb::PACKET_UNSPECIFIED;
  uint64_t id = 0;
  pb::DropReason reason = pb::DROP_UNSPECIFIED;
  StringId flow = 0;
  uint32_t length = 0;
  uint32_t tcp_flags = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint32_t fragment = 0;
  uint64_t detail = 0;
};

class Recorder {
 public:
  // Creates (truncates) the file at `path` and writes magic, version and `header`.
  // Errors: the file cannot be opened or written (absl::UnavailableError naming the path).
  static absl::StatusOr<std::unique_ptr<Recorder>> Open(const std::string& path,
                                                        const pb::TraceHeader& header);
  // Records into memory; Bytes() returns everything written so far. For tests and tools.
  static std::unique_ptr<Recorder> InMemory(const pb::TraceHeader& header);

  ~Recorder();  // Closes if not closed (errors are then lost; call Close to see them).
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // The id of `text`: 0 for "" (never written), else 1, 2, ... in order of first use. The first
  // use writes a StringDef record at dt 0 (it does not advance time).
  StringId Intern(absl::string_view text);

  // Each call below writes one record at virtual time `t`. Aborts (message on stderr) if `t` is
  // before the previous record's time, or after End or Close.
  // LaneDef interns `name` first (a StringDef on first use, then the LaneDef).
  void LaneDef(sim::VirtualTime t, LaneId lane, pb::LaneKind kind, absl::string_view name,
               LaneId parent);
  void Fiber(sim::VirtualTime t, LaneId lane, pb::FiberAction action, StringId reason);
  void Choice(sim::VirtualTime t, uint32_t alternatives, uint32_t chosen, LaneId lane);
  void Note(sim::VirtualTime t, LaneId lane, StringId text, int64_t a, int64_t b);
  // A packet event of the virtual network (sim/net); intern the flow string first.
  void Packet(sim::VirtualTime t, const PacketFields& packet);
  // A crossing between layers. `args`: an API call's scalar arguments, at most kMaxCallArgs.
  static constexpr size_t kMaxCallArgs = 4;
  void Call(sim::VirtualTime t, LaneId lane, pb::CallLayer layer, StringId function,
            pb::CallPhase phase, int64_t socket, int64_t result, uint32_t error,
            absl::Span<const int64_t> args = {});
  void Process(sim::VirtualTime t, LaneId lane, pb::ProcessAction action, StringId text,
               int64_t code, uint32_t pid);
  // The last record. After End, only Close may be called.
  void End(sim::VirtualTime t, pb::StopReason reason, absl::string_view schedule_id,
           absl::string_view message, uint64_t events);

  // Writes buffered bytes to the file. Errors: UnavailableError with the path and errno text.
  absl::Status Flush();
  // Flushes and closes; idempotent. Returns the first write error seen, if any.
  absl::Status Close();

  uint64_t records() const { return records_; }
  uint64_t bytes() const { return bytes_flushed_ + used_; }
  // In-memory recorders: every byte written so far (header included). Empty for file recorders.
  const std::string& Bytes() const;

 private:
  Recorder(std::FILE* file, std::string path, const pb::TraceHeader& header);
  // Aborts unless a record may be written now at time `t` (not after End or Close, not before
  // the previous record); returns dt_ns and makes `t` the previous record's time.
  uint64_t Advance(sim::VirtualTime t, int body_field);
  // Appends one Record {dt_ns, body field `body_field` = the scalar fields `body` writes}.
  // `body(uint8_t* p)` writes at most kMaxScalarBodyBytes and returns the end.
  template <typename BodyFn>
  void Emit(sim::VirtualTime t, int body_field, BodyFn&& body);
  // Records of any size (StringDef, RunEnd) are appended piece by piece, possibly spanning
  // buffer flushes: the head (length, dt_ns, body tag and length), then each body field.
  void AppendRecordHead(uint64_t dt_ns, int body_field, size_t body_bytes);
  void AppendVarintField(int field, uint64_t value);          // omitted when 0
  void AppendStringField(int field, absl::string_view text);  // omitted when empty
  void Append(const void* data, size_t n);  // copies through the buffer, flushing as it fills
  void Reserve(size_t n);    // makes room for n (<= kBufferBytes) more bytes, flushing if needed
  void FlushBuffer() const;  // moves the buffer to the file or to memory_; records errors
  // Aborts with a message saying why a record of kind `body_field` at `t` may not be written.
  [[noreturn]] ABSL_ATTRIBUTE_NOINLINE ABSL_ATTRIBUTE_COLD void DieOnBadRecord(
      sim::VirtualTime t, int body_field) const;

  static constexpr size_t kBufferBytes = 64 * 1024;

  std::FILE* file_ = nullptr;  // null for in-memory recorders
  std::string path_;
  std::string context_;  // "scenario=... seed=..." for abort messages
  std::unique_ptr<uint8_t[]> buffer_;
  // In-memory recorders move the buffer into memory_ when it fills and when Bytes() is called,
  // so these change in const Bytes() without changing what the recorder holds.
  mutable std::string memory_;
  mutable size_t used_ = 0;
  mutable uint64_t bytes_flushed_ = 0;
  mutable absl::Status error_;  // the first write error; later writes are dropped
  uint64_t records_ = 0;
  int64_t last_ns_ = 0;
  bool ended_ = false;
  bool closed_ = false;
  absl::flat_hash_map<std::string, StringId> strings_;
};

}  // namespace ws2sim::trace

#endif  // WS2SIM_SIM_TRACE_RECORDER_H_
