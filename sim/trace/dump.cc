#include "sim/trace/dump.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ws2sim::trace {
namespace {

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", absl::CEscape(s), "\""); }

// `s` bare when that is unambiguous, else Quoted.
std::string Token(absl::string_view s) {
  if (s.empty()) return Quoted(s);
  for (char c : s) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c)) || c == '"' || c == '\\') {
      return Quoted(s);
    }
  }
  return std::string(s);
}

// "park" for FIBER_PARK (prefix "FIBER_"); "unknown(N)" for values this build does not know.
template <typename Enum>
std::string EnumWord(Enum value, const std::string& name, absl::string_view prefix) {
  if (name.empty()) return absl::StrCat("unknown(", static_cast<int>(value), ")");
  return absl::AsciiStrToLower(absl::StripPrefix(name, prefix));
}

}  // namespace

std::string DumpRecord(const Trace& trace, const TraceRecord& r) {
  std::string line = absl::StrCat("#", r.seq, " ", r.time.ToString(), " ");
  const pb::Record& record = r.record;
  switch (record.body_case()) {
    case pb::Record::kStringDef: {
      const pb::StringDef& def = record.string_def();
      absl::StrAppend(&line, "string ", def.id(), " ", Quoted(def.text()));
      break;
    }
    case pb::Record::kLaneDef: {
      const pb::LaneDef& def = record.lane_def();
      absl::StrAppend(&line, "lane ", def.lane(), " ",
                      EnumWord(def.kind(), pb::LaneKind_Name(def.kind()), "LANE_"), " ",
                      Token(trace.LaneName(def.lane())),
                      " parent=", Token(trace.LaneName(def.parent())));
      break;
    }
    case pb::Record::kFiber: {
      const pb::FiberEvent& fiber = record.fiber();
      absl::StrAppend(&line, "fiber ", Token(trace.LaneName(fiber.lane())), " ",
                      EnumWord(fiber.action(), pb::FiberAction_Name(fiber.action()), "FIBER_"));
      if (fiber.reason() != 0) absl::StrAppend(&line, " ", Quoted(trace.String(fiber.reason())));
      break;
    }
    case pb::Record::kChoice: {
      const pb::Choice& choice = record.choice();
      absl::StrAppend(&line, "choice ", choice.chosen(), "/", choice.alternatives(),
                      " lane=", Token(trace.LaneName(choice.lane())));
      break;
    }
    case pb::Record::kNote: {
      const pb::Note& note = record.note();
      absl::StrAppend(&line, "note ", Token(trace.LaneName(note.lane())), " ",
                      Quoted(trace.String(note.text())), " a=", note.a(), " b=", note.b());
      break;
    }
    case pb::Record::kEnd: {
      const pb::RunEnd& end = record.end();
      absl::StrAppend(&line, "end ",
                      EnumWord(end.reason(), pb::StopReason_Name(end.reason()), "STOP_"),
                      " events=", end.events(), " schedule=", Token(end.schedule_id()), " ",
                      Quoted(end.message()));
      break;
    }
    case pb::Record::BODY_NOT_SET:
      absl::StrAppend(&line, "unknown");
      break;
  }
  return line;
}

std::string DumpTrace(const Trace& trace) {
  const pb::TraceHeader& header = trace.header;
  std::string out =
      absl::StrCat("trace format=", trace.format_version, " scenario=", Token(header.scenario()),
                   " seed=", header.seed(), " strategy=", Token(header.strategy()),
                   " build=", Token(header.build_id()));
  if (!header.replay_schedule().empty()) {
    absl::StrAppend(&out, " replay_schedule=", Token(header.replay_schedule()));
  }
  for (const std::string& arg : header.args()) absl::StrAppend(&out, " arg=", Token(arg));
  out += '\n';
  for (const TraceRecord& record : trace.records) {
    absl::StrAppend(&out, DumpRecord(trace, record), "\n");
  }
  return out;
}

}  // namespace ws2sim::trace
