// trace::Recorder: hand-written protobuf wire format (trace.proto) into a fixed 64 KiB buffer.
//
// Wire format recap: a field is a tag varint (field_number << 3 | wire_type) and a value; wire
// type 0 is a varint, 2 is a varint length then bytes. Every field number used here is <= 15, so
// every tag is one byte. Scalar fields equal to 0 are omitted (proto3 defaults), and fields are
// written in field-number order, so the bytes equal what the generated SerializeToString writes.
#include "sim/trace/recorder.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/base/optimization.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/common.h"

namespace ws2sim::trace {
namespace {

constexpr uint8_t kWireVarint = 0;
constexpr uint8_t kWireLengthDelimited = 2;

constexpr uint8_t Tag(int field, uint8_t wire_type) {
  return static_cast<uint8_t>(field << 3 | wire_type);
}

// Record fields (trace.proto).
constexpr int kDtNsField = 1;
constexpr int kStringDefField = 2;
constexpr int kLaneDefField = 3;
constexpr int kFiberField = 4;
constexpr int kChoiceField = 5;
constexpr int kNoteField = 6;
constexpr int kPacketField = 7;
constexpr int kCallField = 8;
constexpr int kProcessField = 9;
constexpr int kEndField = 15;

// The largest body a scalar-only record can have: Call's 3 uint32, 2 enums (an enum may take 10
// bytes), 2 sint64 and kMaxCallArgs packed sint64. Packet has 7 uint32, 2 uint64 and 2 enums.
constexpr size_t kMaxScalarBodyBytes =
    3 * (1 + 5) + 2 * (1 + 10) + 2 * (1 + 10) + (1 + 1 + Recorder::kMaxCallArgs * 10);
// Head of a scalar record: length (1 byte, see below), dt_ns field, body tag, body length.
constexpr size_t kMaxScalarRecordBytes = 1 + (1 + 10) + 1 + 1 + kMaxScalarBodyBytes;
// So the record length and the body length of a scalar record each fit in a one-byte varint.
static_assert(kMaxScalarRecordBytes < 128);

constexpr size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline uint8_t* PutVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

// A varint field, omitted when 0.
inline uint8_t* PutField(uint8_t* p, int field, uint64_t v) {
  if (v == 0) return p;
  *p++ = Tag(field, kWireVarint);
  return PutVarint(p, v);
}

// Enums are int32 on the wire, sign-extended to 64 bits as the generated code writes them.
template <typename Enum>
constexpr uint64_t EnumValue(Enum e) {
  return static_cast<uint64_t>(static_cast<int64_t>(e));
}

// sint64 uses ZigZag encoding: 0, -1, 1, -2, ... -> 0, 1, 2, 3, ...
constexpr uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

// Encoded sizes of a field (tag included), 0 when the field is omitted.
size_t StringFieldSize(absl::string_view s) {
  return s.empty() ? 0 : 1 + VarintSize(s.size()) + s.size();
}
size_t VarintFieldSize(uint64_t v) { return v == 0 ? 0 : 1 + VarintSize(v); }

// proto3 string fields must hold UTF-8 (the generated parser rejects anything else), so text
// that is not valid UTF-8 is written C-hex-escaped: byte 0xE9 becomes the 4 characters \xe9.
bool IsValidUtf8(absl::string_view text) {
  return google::protobuf::internal::IsStructurallyValidUTF8(text.data(),
                                                             static_cast<int>(text.size()));
}
// `text` itself when valid, else its escaped form, kept in `storage`.
absl::string_view ValidUtf8(absl::string_view text, std::string& storage) {
  if (IsValidUtf8(text)) return text;
  storage = absl::CHexEscape(text);
  return storage;
}
void MakeValidUtf8(std::string& text) {
  if (!IsValidUtf8(text)) text = absl::CHexEscape(text);
}

const char* RecordKindName(int body_field) {
  switch (body_field) {
    case kStringDefField:
      return "StringDef";
    case kLaneDefField:
      return "LaneDef";
    case kFiberField:
      return "FiberEvent";
    case kChoiceField:
      return "Choice";
    case kNoteField:
      return "Note";
    case kPacketField:
      return "Packet";
    case kCallField:
      return "Call";
    case kProcessField:
      return "ProcessEvent";
    case kEndField:
      return "RunEnd";
  }
  return "unknown";
}

}  // namespace

Recorder::Recorder(std::FILE* file, std::string path, const pb::TraceHeader& header)
    : file_(file),
      path_(std::move(path)),
      context_(absl::StrCat("scenario=", header.scenario(), " seed=", header.seed(),
                            file ? absl::StrCat(" file=", path_) : std::string(" in memory"))),
      buffer_(new uint8_t[kBufferBytes]) {
  Append(kMagic, sizeof(kMagic));
  uint8_t version[10];
  Append(version, PutVarint(version, kFormatVersion) - version);
  pb::TraceHeader valid_header = header;
  for (std::string* field :
       {valid_header.mutable_scenario(), valid_header.mutable_strategy(),
        valid_header.mutable_build_id(), valid_header.mutable_replay_schedule()}) {
    MakeValidUtf8(*field);
  }
  for (std::string& arg : *valid_header.mutable_args()) MakeValidUtf8(arg);
  const std::string header_bytes = valid_header.SerializeAsString();
  uint8_t length[10];
  Append(length, PutVarint(length, header_bytes.size()) - length);
  Append(header_bytes.data(), header_bytes.size());
}

absl::StatusOr<std::unique_ptr<Recorder>> Recorder::Open(const std::string& path,
                                                         const pb::TraceHeader& header) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot create trace: ", std::strerror(errno)));
  }
  // The recorder buffers; stdio would only copy a second time and delay a killed run's prefix.
  std::setvbuf(file, nullptr, _IONBF, 0);
  std::unique_ptr<Recorder> recorder(new Recorder(file, path, header));
  // The header reaches the file at once, so even a run killed early leaves a readable file.
  if (absl::Status status = recorder->Flush(); !status.ok()) return status;
  return recorder;
}

std::unique_ptr<Recorder> Recorder::InMemory(const pb::TraceHeader& header) {
  return std::unique_ptr<Recorder>(new Recorder(nullptr, "", header));
}

Recorder::~Recorder() { Close().IgnoreError(); }

void Recorder::DieOnBadRecord(sim::VirtualTime t, int body_field) const {
  const std::string what =
      ended_ || closed_
          ? absl::StrCat(RecordKindName(body_field), " record after ", closed_ ? "Close" : "End")
          : absl::StrCat(RecordKindName(body_field), " record at ", t.ToString(),
                         " is before the previous record at ",
                         sim::VirtualTime::FromNanoseconds(last_ns_).ToString(),
                         ": record times must not go backwards");
  std::fprintf(stderr, "ws2sim trace recorder: %s (%s)\n", what.c_str(), context_.c_str());
  std::fflush(stderr);
  std::abort();
}

inline uint64_t Recorder::Advance(sim::VirtualTime t, int body_field) {
  const int64_t t_ns = t.ns_since_start();
  if (ABSL_PREDICT_FALSE(ended_ | closed_ | (t_ns < last_ns_))) DieOnBadRecord(t, body_field);
  const uint64_t dt_ns = static_cast<uint64_t>(t_ns) - static_cast<uint64_t>(last_ns_);
  last_ns_ = t_ns;
  return dt_ns;
}

inline void Recorder::Reserve(size_t n) {
  if (ABSL_PREDICT_FALSE(used_ + n > kBufferBytes)) FlushBuffer();
}

void Recorder::Append(const void* data, size_t n) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  while (n > 0) {
    if (used_ == kBufferBytes) FlushBuffer();
    const size_t chunk = std::min(n, kBufferBytes - used_);
    std::memcpy(buffer_.get() + used_, bytes, chunk);
    used_ += chunk;
    bytes += chunk;
    n -= chunk;
  }
}

void Recorder::FlushBuffer() const {
  if (used_ == 0) return;
  if (file_ == nullptr) {
    memory_.append(reinterpret_cast<const char*>(buffer_.get()), used_);
  } else if (error_.ok() && std::fwrite(buffer_.get(), 1, used_, file_) != used_) {
    // After a short write the file ends inside a record; later bytes would not parse, so they
    // are dropped and Flush/Close report this first error.
    error_ =
        absl::UnavailableError(absl::StrCat(path_, ": cannot write trace: ", std::strerror(errno)));
  }
  bytes_flushed_ += used_;
  used_ = 0;
}

template <typename BodyFn>
inline void Recorder::Emit(sim::VirtualTime t, int body_field, BodyFn&& body) {
  const uint64_t dt_ns = Advance(t, body_field);
  Reserve(kMaxScalarRecordBytes);
  uint8_t* const start = buffer_.get() + used_;
  uint8_t* p = start + 1;  // the record length goes in start[0]
  p = PutField(p, kDtNsField, dt_ns);
  *p++ = Tag(body_field, kWireLengthDelimited);
  uint8_t* const body_length = p++;
  uint8_t* const end = body(p);
  *body_length = static_cast<uint8_t>(end - p);
  *start = static_cast<uint8_t>(end - (start + 1));
  used_ += end - start;
  ++records_;
}

void Recorder::AppendRecordHead(uint64_t dt_ns, int body_field, size_t body_bytes) {
  const size_t record_bytes = VarintFieldSize(dt_ns) + 1 + VarintSize(body_bytes) + body_bytes;
  uint8_t head[4 * 10];
  uint8_t* p = PutVarint(head, record_bytes);
  p = PutField(p, kDtNsField, dt_ns);
  *p++ = Tag(body_field, kWireLengthDelimited);
  p = PutVarint(p, body_bytes);
  Append(head, p - head);
}

void Recorder::AppendVarintField(int field, uint64_t value) {
  uint8_t bytes[1 + 10];
  Append(bytes, PutField(bytes, field, value) - bytes);
}

void Recorder::AppendStringField(int field, absl::string_view text) {
  if (text.empty()) return;
  uint8_t head[1 + 10];
  head[0] = Tag(field, kWireLengthDelimited);
  Append(head, PutVarint(head + 1, text.size()) - head);
  Append(text.data(), text.size());
}

StringId Recorder::Intern(absl::string_view text) {
  if (text.empty()) return 0;
  if (auto it = strings_.find(text); it != strings_.end()) return it->second;
  if (ABSL_PREDICT_FALSE(ended_ || closed_)) {
    DieOnBadRecord(sim::VirtualTime::FromNanoseconds(last_ns_), kStringDefField);
  }
  const StringId id = static_cast<StringId>(strings_.size() + 1);
  strings_.emplace(text, id);
  std::string storage;
  text = ValidUtf8(text, storage);
  // StringDef {id = 1, text = 2} at dt 0: defining a string does not advance time.
  AppendRecordHead(0, kStringDefField, VarintFieldSize(id) + StringFieldSize(text));
  AppendVarintField(1, id);
  AppendStringField(2, text);
  ++records_;
  return id;
}

void Recorder::LaneDef(sim::VirtualTime t, LaneId lane, pb::LaneKind kind, absl::string_view name,
                       LaneId parent) {
  const StringId name_id = Intern(name);
  // LaneDef {lane = 1, kind = 2, name = 3, parent = 4}
  Emit(t, kLaneDefField, [&](uint8_t* p) {
    p = PutField(p, 1, lane);
    p = PutField(p, 2, EnumValue(kind));
    p = PutField(p, 3, name_id);
    return PutField(p, 4, parent);
  });
}

void Recorder::Fiber(sim::VirtualTime t, LaneId lane, pb::FiberAction action, StringId reason) {
  // FiberEvent {lane = 1, action = 2, reason = 3}
  Emit(t, kFiberField, [&](uint8_t* p) {
    p = PutField(p, 1, lane);
    p = PutField(p, 2, EnumValue(action));
    return PutField(p, 3, reason);
  });
}

void Recorder::Choice(sim::VirtualTime t, uint32_t alternatives, uint32_t chosen, LaneId lane) {
  // Choice {alternatives = 1, chosen = 2, lane = 3}
  Emit(t, kChoiceField, [&](uint8_t* p) {
    p = PutField(p, 1, alternatives);
    p = PutField(p, 2, chosen);
    return PutField(p, 3, lane);
  });
}

void Recorder::Note(sim::VirtualTime t, LaneId lane, StringId text, int64_t a, int64_t b) {
  // Note {lane = 1, text = 2, sint64 a = 3, sint64 b = 4}
  Emit(t, kNoteField, [&](uint8_t* p) {
    p = PutField(p, 1, lane);
    p = PutField(p, 2, text);
    p = PutField(p, 3, ZigZag(a));
    return PutField(p, 4, ZigZag(b));
  });
}

void Recorder::Call(sim::VirtualTime t, LaneId lane, pb::CallLayer layer, StringId function,
                    pb::CallPhase phase, int64_t socket, int64_t result, uint32_t error,
                    absl::Span<const int64_t> args) {
  // Call {lane = 1, layer = 2, function = 3, phase = 4, sint64 socket = 5, sint64 result = 6,
  //       error = 7, packed sint64 args = 8}
  if (args.size() > kMaxCallArgs) {
    std::fprintf(stderr, "ws2sim: trace Call record with %zu arguments (at most %zu)\n",
                 args.size(), kMaxCallArgs);
    std::abort();
  }
  Emit(t, kCallField, [&](uint8_t* p) {
    p = PutField(p, 1, lane);
    p = PutField(p, 2, static_cast<uint32_t>(layer));
    p = PutField(p, 3, function);
    p = PutField(p, 4, static_cast<uint32_t>(phase));
    p = PutField(p, 5, ZigZag(socket));
    p = PutField(p, 6, ZigZag(result));
    p = PutField(p, 7, error);
    if (args.empty()) return p;
    size_t packed_bytes = 0;
    for (int64_t a : args) packed_bytes += VarintSize(ZigZag(a));
    *p++ = static_cast<uint8_t>((8 << 3) | 2);
    p = PutVarint(p, packed_bytes);
    for (int64_t a : args) p = PutVarint(p, ZigZag(a));
    return p;
  });
}

void Recorder::Process(sim::VirtualTime t, LaneId lane, pb::ProcessAction action, StringId text,
                       int64_t code, uint32_t pid) {
  // ProcessEvent {lane = 1, action = 2, text = 3, sint64 code = 4, pid = 5}
  Emit(t, kProcessField, [&](uint8_t* p) {
    p = PutField(p, 1, lane);
    p = PutField(p, 2, static_cast<uint32_t>(action));
    p = PutField(p, 3, text);
    p = PutField(p, 4, ZigZag(code));
    return PutField(p, 5, pid);
  });
}

void Recorder::Packet(sim::VirtualTime t, const PacketFields& f) {
  // Packet {lane = 1, event = 2, id = 3, reason = 4, flow = 5, length = 6, tcp_flags = 7, seq = 8,
  //         ack = 9, fragment = 10, detail = 11}
  Emit(t, kPacketField, [&](uint8_t* p) {
    p = PutField(p, 1, f.lane);
    p = PutField(p, 2, EnumValue(f.event));
    p = PutField(p, 3, f.id);
    p = PutField(p, 4, EnumValue(f.reason));
    p = PutField(p, 5, f.flow);
    p = PutField(p, 6, f.length);
    p = PutField(p, 7, f.tcp_flags);
    p = PutField(p, 8, f.seq);
    p = PutField(p, 9, f.ack);
    p = PutField(p, 10, f.fragment);
    return PutField(p, 11, f.detail);
  });
}

void Recorder::End(sim::VirtualTime t, pb::StopReason reason, absl::string_view schedule_id,
                   absl::string_view message, uint64_t events) {
  const uint64_t dt_ns = Advance(t, kEndField);
  // RunEnd {reason = 1, schedule_id = 2, message = 3, events = 4}
  const uint64_t reason_value = EnumValue(reason);
  std::string schedule_storage, message_storage;
  schedule_id = ValidUtf8(schedule_id, schedule_storage);
  message = ValidUtf8(message, message_storage);
  AppendRecordHead(dt_ns, kEndField,
                   VarintFieldSize(reason_value) + StringFieldSize(schedule_id) +
                       StringFieldSize(message) + VarintFieldSize(events));
  AppendVarintField(1, reason_value);
  AppendStringField(2, schedule_id);
  AppendStringField(3, message);
  AppendVarintField(4, events);
  ++records_;
  ended_ = true;
}

absl::Status Recorder::Flush() {
  FlushBuffer();
  return error_;
}

absl::Status Recorder::Close() {
  if (closed_) return error_;
  FlushBuffer();
  closed_ = true;
  if (file_ != nullptr) {
    if (std::fclose(file_) != 0 && error_.ok()) {
      error_ = absl::UnavailableError(
          absl::StrCat(path_, ": cannot close trace: ", std::strerror(errno)));
    }
    file_ = nullptr;
  }
  return error_;
}

const std::string& Recorder::Bytes() const {
  if (file_ == nullptr) FlushBuffer();
  return memory_;
}

}  // namespace ws2sim::trace
