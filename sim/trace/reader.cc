#include "sim/trace/reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"

namespace ws2sim::trace {
namespace {

constexpr size_t kMaxVarintBytes = 10;

// Walks the bytes of one trace, filling `trace_` with each record once it is known valid.
class Parser {
 public:
  Parser(std::string_view bytes, std::string_view name, Trace& trace)
      : bytes_(bytes), name_(name), trace_(trace) {}

  absl::Status Parse() {
    // The generated parser logs why a damaged message (such as a string that is not UTF-8) does
    // not parse; the returned Status reports it instead.
    const google::protobuf::LogSilencer quiet;
    if (absl::Status s = ReadMagic(); !s.ok()) return s;
    if (absl::Status s = ReadVersion(); !s.ok()) return s;
    if (absl::Status s = ReadHeader(); !s.ok()) return s;
    while (pos_ < bytes_.size()) {
      if (trace_.end.has_value()) return Error(pos_, "data after RunEnd");
      if (absl::Status s = ReadRecord(); !s.ok()) return s;
    }
    if (!trace_.end.has_value()) {
      return Error(pos_, "trace ends without a RunEnd record (truncated run)");
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Error(uint64_t offset, absl::string_view what) const {
    return absl::DataLossError(absl::StrCat(name_, ": byte ", offset, ": ", what));
  }

  size_t Left() const { return bytes_.size() - pos_; }

  // Reads a varint at pos_ and moves past it. Errors name it "<what><what_suffix>" (two parts,
  // so that the common case builds no string).
  absl::Status ReadVarint(absl::string_view what, absl::string_view what_suffix, uint64_t& value) {
    value = 0;
    for (size_t i = 0; i < kMaxVarintBytes; ++i) {
      if (pos_ + i >= bytes_.size()) {
        return Error(pos_, absl::StrCat("truncated ", what, what_suffix, " (varint incomplete, ",
                                        Left(), " bytes left)"));
      }
      const uint8_t byte = static_cast<uint8_t>(bytes_[pos_ + i]);
      // The 10th byte holds bit 63 only.
      if (i == kMaxVarintBytes - 1 && byte > 1) break;
      value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) {
        pos_ += i + 1;
        return absl::OkStatus();
      }
    }
    return Error(pos_,
                 absl::StrCat("malformed ", what, what_suffix, " (varint longer than 64 bits)"));
  }

  // Reads a varint length at pos_, then that many bytes into `payload`.
  absl::Status ReadLengthDelimited(absl::string_view what, std::string_view& payload) {
    const uint64_t offset = pos_;
    uint64_t length = 0;
    if (absl::Status s = ReadVarint(what, " length", length); !s.ok()) return s;
    if (length > kMaxRecordBytes) {
      return Error(offset, absl::StrCat(what, " length ", length, " exceeds the limit of ",
                                        kMaxRecordBytes, " bytes"));
    }
    if (length > Left()) {
      return Error(offset, absl::StrCat("truncated ", what, " (length ", length, ", ", Left(),
                                        " bytes left)"));
    }
    payload = bytes_.substr(pos_, length);
    pos_ += length;
    return absl::OkStatus();
  }

  absl::Status ReadMagic() {
    const std::string_view magic(kMagic, sizeof(kMagic));
    if (bytes_.empty()) return Error(0, "empty file (not a ws2sim trace)");
    if (bytes_.size() < magic.size() && magic.substr(0, bytes_.size()) == bytes_) {
      return Error(bytes_.size(), "truncated trace (ends inside the magic)");
    }
    if (bytes_.substr(0, magic.size()) != magic) {
      return Error(0, "not a ws2sim trace (bad magic)");
    }
    pos_ = magic.size();
    return absl::OkStatus();
  }

  absl::Status ReadVersion() {
    const uint64_t offset = pos_;
    uint64_t version = 0;
    if (absl::Status s = ReadVarint("format version", "", version); !s.ok()) return s;
    if (version != kFormatVersion) {
      return Error(offset, absl::StrCat("unsupported format version ", version,
                                        " (this build reads ", kFormatVersion, ")"));
    }
    trace_.format_version = kFormatVersion;
    return absl::OkStatus();
  }

  absl::Status ReadHeader() {
    const uint64_t offset = pos_;
    std::string_view payload;
    if (absl::Status s = ReadLengthDelimited("header", payload); !s.ok()) return s;
    if (!trace_.header.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      trace_.header.Clear();
      return Error(offset, "header does not parse");
    }
    return absl::OkStatus();
  }

  bool StringDefined(StringId id) const { return id < trace_.strings.size(); }
  bool LaneDefined(LaneId lane) const { return lane == 0 || trace_.lanes.contains(lane); }

  // Checks the uses in `record` against what is defined so far.
  absl::Status CheckReferences(uint64_t offset, const pb::Record& record) const {
    auto string_use = [&](StringId id) -> absl::Status {
      if (StringDefined(id)) return absl::OkStatus();
      return Error(offset, absl::StrCat("string id ", id, " used before it is defined"));
    };
    auto lane_use = [&](LaneId lane) -> absl::Status {
      if (LaneDefined(lane)) return absl::OkStatus();
      return Error(offset, absl::StrCat("lane ", lane, " used before it is defined"));
    };
    switch (record.body_case()) {
      case pb::Record::kStringDef: {
        const uint32_t id = record.string_def().id();
        if (id == 0) return Error(offset, "string id 0 (the empty string) cannot be defined");
        if (StringDefined(id)) return Error(offset, absl::StrCat("string id ", id, " redefined"));
        if (id != trace_.strings.size()) {
          return Error(offset, absl::StrCat("string id ", id, " defined out of order (expected ",
                                            trace_.strings.size(), ")"));
        }
        return absl::OkStatus();
      }
      case pb::Record::kLaneDef: {
        const pb::LaneDef& def = record.lane_def();
        if (trace_.lanes.contains(def.lane())) {
          return Error(offset, absl::StrCat("lane ", def.lane(), " defined twice"));
        }
        return string_use(def.name());
      }
      case pb::Record::kFiber:
        if (absl::Status s = lane_use(record.fiber().lane()); !s.ok()) return s;
        return string_use(record.fiber().reason());
      case pb::Record::kChoice:
        return lane_use(record.choice().lane());
      case pb::Record::kNote:
        if (absl::Status s = lane_use(record.note().lane()); !s.ok()) return s;
        return string_use(record.note().text());
      case pb::Record::kPacket:
        if (absl::Status s = lane_use(record.packet().lane()); !s.ok()) return s;
        return string_use(record.packet().flow());
      case pb::Record::kCall:
        if (absl::Status s = lane_use(record.call().lane()); !s.ok()) return s;
        return string_use(record.call().function());
      case pb::Record::kProcess:
        if (absl::Status s = lane_use(record.process().lane()); !s.ok()) return s;
        return string_use(record.process().text());
      case pb::Record::kEnd:
        return absl::OkStatus();
      case pb::Record::BODY_NOT_SET:
        break;
    }
    return Error(offset, "record has no known body");
  }

  absl::Status ReadRecord() {
    const uint64_t offset = pos_;
    std::string_view payload;
    if (absl::Status s = ReadLengthDelimited("record", payload); !s.ok()) return s;
    pb::Record record;
    if (!record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      return Error(offset, "record does not parse");
    }
    if (absl::Status s = CheckReferences(offset, record); !s.ok()) return s;
    const uint64_t dt_ns = record.dt_ns();
    if (dt_ns > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() - time_ns_)) {
      return Error(offset,
                   absl::StrCat("time overflows: dt_ns ", dt_ns, " after ", time_ns_, " ns"));
    }
    time_ns_ += static_cast<int64_t>(dt_ns);

    switch (record.body_case()) {
      case pb::Record::kStringDef:
        trace_.strings.push_back(record.string_def().text());
        break;
      case pb::Record::kLaneDef:
        trace_.lanes.emplace(record.lane_def().lane(), record.lane_def());
        break;
      case pb::Record::kEnd:
        trace_.end = record.end();
        break;
      default:
        break;
    }
    TraceRecord& out = trace_.records.emplace_back();
    out.seq = trace_.records.size() - 1;
    out.offset = offset;
    out.time = sim::VirtualTime::FromNanoseconds(time_ns_);
    out.record = std::move(record);
    return absl::OkStatus();
  }

  const std::string_view bytes_;
  const std::string name_;
  Trace& trace_;
  size_t pos_ = 0;
  int64_t time_ns_ = 0;
};

}  // namespace

const std::string& Trace::String(StringId id) const {
  return id < strings.size() ? strings[id] : strings[0];
}

std::string Trace::LaneName(LaneId lane) const {
  if (auto it = lanes.find(lane); it != lanes.end() && !String(it->second.name()).empty()) {
    return String(it->second.name());
  }
  return lane == 0 ? "engine" : absl::StrCat("lane#", lane);
}

ReadResult ReadTraceBytes(std::string_view bytes, std::string_view name_for_errors) {
  ReadResult result;
  result.status = Parser(bytes, name_for_errors, result.trace).Parse();
  return result;
}

ReadResult ReadTraceFile(const std::string& path) {
  ReadResult result;
  auto unreadable = [&](int error) {
    const std::string what = absl::StrCat(path, ": ", std::strerror(error));
    return error == ENOENT ? absl::NotFoundError(what) : absl::UnavailableError(what);
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (file == nullptr) {
    result.status = unreadable(errno);
    return result;
  }
  std::string contents;
  char chunk[64 * 1024];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file.get())) > 0) contents.append(chunk, n);
  if (std::ferror(file.get())) {
    result.status = unreadable(errno);
    return result;
  }
  return ReadTraceBytes(contents, path);
}

}  // namespace ws2sim::trace
