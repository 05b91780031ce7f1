// Reading a .w2t trace (format in trace.proto, DESIGN.md section 8).
//
// The reader validates everything and never trusts the file: any input, however damaged, gives
// a Trace holding the valid prefix and a Status saying what is wrong and at which byte. It never
// crashes and allocates in proportion to the bytes actually present, never to lengths read from
// the file.
//
// A complete trace has: the magic, format version kFormatVersion, a TraceHeader, then records of
// which the last is a RunEnd, where
//  - every record has a known body (a record of a later format version is an error);
//  - StringDef ids are 1, 2, 3, ... in order (never 0, never redefined);
//  - every string id used (LaneDef.name, FiberEvent.reason, Note.text) is already defined;
//  - every lane used by a FiberEvent, Choice or Note is lane 0 (the engine, implicit) or already
//    defined by a LaneDef; a lane is defined at most once (LaneDef.parent is not checked);
//  - the running sum of dt_ns stays within int64;
//  - each record's length is at most kMaxRecordBytes and varints are at most 10 bytes.
#ifndef WS2SIM_SIM_TRACE_READER_H_
#define WS2SIM_SIM_TRACE_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "sim/time.h"
#include "sim/trace/recorder.h"
#include "sim/trace/trace.pb.h"

namespace ws2sim::trace {

// Larger records (and headers) are rejected as corrupt.
inline constexpr uint64_t kMaxRecordBytes = 16 * 1024 * 1024;

struct TraceRecord {
  uint64_t seq = 0;       // index in Trace::records
  uint64_t offset = 0;    // byte offset of the record's length varint in the file
  sim::VirtualTime time;  // sum of dt_ns over this record and every record before it
  pb::Record record;
};

struct Trace {
  uint32_t format_version = 0;  // 0 until a supported version has been read
  pb::TraceHeader header;
  std::vector<TraceRecord> records;  // every record, StringDef and LaneDef included; seq = index
  std::vector<std::string> strings{std::string()};  // by string id; [0] = ""
  absl::btree_map<LaneId, pb::LaneDef> lanes;       // by lane id, as defined by LaneDef records
  std::optional<pb::RunEnd> end;                    // the RunEnd, if the trace is complete

  // The text of string `id`; "" for 0 and for ids not defined.
  const std::string& String(StringId id) const;
  // The name of `lane`: its LaneDef's name; "engine" for lane 0 when it has no LaneDef;
  // "lane#N" for a lane not defined or defined with an empty name.
  std::string LaneName(LaneId lane) const;
};

struct ReadResult {
  Trace trace;  // complete when status is OK; otherwise every record before the bad one
  // OK only for a complete trace. Otherwise absl::DataLossError "<name>: byte <offset>: <what>"
  // (offset of the bad item), e.g.
  //   "demo.w2t: byte 0: not a ws2sim trace (bad magic)"
  //   "demo.w2t: byte 8: unsupported format version 3 (this build reads 1)"
  //   "demo.w2t: byte 1234: truncated record (length 12, 5 bytes left)"
  //   "demo.w2t: byte 1234: record does not parse"
  //   "demo.w2t: byte 1234: string id 7 used before it is defined"
  //   "demo.w2t: byte 5678: trace ends without a RunEnd record (truncated run)"
  //   "demo.w2t: byte 5678: data after RunEnd"
  // ReadTraceFile adds absl::NotFoundError (no such file) and absl::UnavailableError (cannot be
  // read), "<path>: <strerror text>".
  absl::Status status;
};

// Reads a whole trace from memory; `name_for_errors` (a file name) starts every error message.
ReadResult ReadTraceBytes(std::string_view bytes, std::string_view name_for_errors);
// Reads the file at `path` and then as ReadTraceBytes(contents, path).
ReadResult ReadTraceFile(const std::string& path);

}  // namespace ws2sim::trace

#endif  // WS2SIM_SIM_TRACE_READER_H_
