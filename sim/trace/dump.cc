#include "sim/trace/dump.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

// tcpdump's TCP flag letters: S F P R U W E, then '.' for ACK ("S." is SYN+ACK).
std::string TcpFlagLetters(uint32_t flags) {
  std::string out;
  static constexpr struct {
    uint32_t bit;
    char letter;
  } kLetters[] = {{0x02, 'S'}, {0x01, 'F'}, {0x08, 'P'}, {0x04, 'R'},
                  {0x20, 'U'}, {0x80, 'W'}, {0x40, 'E'}, {0x10, '.'}};
  for (const auto& l : kLetters) {
    if (flags & l.bit) out += l.letter;
  }
  if (flags > 0xff) absl::StrAppend(&out, "+0x", absl::Hex(flags & ~0xffu));
  return out;
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
    // "<layer> <lane> <function> enter [socket=0x..] [args=a,b]" and "... return result=N
    // [error=N]":
    //   #30 1ms api client/echo/main recv enter socket=0x104 args=4096,0
    //   #41 12ms api client/echo/main recv return socket=0x104 result=512
    case pb::Record::kCall: {
      const pb::Call& c = record.call();
      absl::StrAppend(&line, EnumWord(c.layer(), pb::CallLayer_Name(c.layer()), "LAYER_"), " ",
                      Token(trace.LaneName(c.lane())), " ", Token(trace.String(c.function())), " ",
                      EnumWord(c.phase(), pb::CallPhase_Name(c.phase()), "PHASE_"));
      if (c.socket() != 0) absl::StrAppend(&line, " socket=0x", absl::Hex(c.socket()));
      if (c.args_size() > 0) absl::StrAppend(&line, " args=", absl::StrJoin(c.args(), ","));
      if (c.phase() == pb::PHASE_RETURN) absl::StrAppend(&line, " result=", c.result());
      if (c.error() != 0) absl::StrAppend(&line, " error=", c.error());
      break;
    }
    // "process <lane> start|output|exit pid=N" then the text (quoted) or code=N:
    //   #5 0 process client/echo start pid=4100 "echo_client server 7 1000"
    //   #90 14ms process client/echo output pid=4100 code=1 "echo verified"
    case pb::Record::kProcess: {
      const pb::ProcessEvent& e = record.process();
      absl::StrAppend(&line, "process ", Token(trace.LaneName(e.lane())), " ",
                      EnumWord(e.action(), pb::ProcessAction_Name(e.action()), "PROCESS_"),
                      " pid=", e.pid());
      if (e.code() != 0 || e.action() == pb::PROCESS_EXIT) absl::StrAppend(&line, " code=", e.code());
      if (e.text() != 0) absl::StrAppend(&line, " ", Quoted(trace.String(e.text())));
      break;
    }
    // "packet <lane> <event> id=N" and then, each only when set: reason=<drop reason>, len=N,
    // flags=<tcpdump letters>, seq=N, ack=N, frag=<offset>[+ when more fragments follow],
    // detail=N and the quoted flow string:
    //   #13 15ms packet "l1 a->b" sent id=1 len=40 flags=S seq=1000 "tcp 10.0.0.1:49152 > ..."
    //   #20 25ms packet b dropped id=5 reason=bad_checksum
    case pb::Record::kPacket: {
      const pb::Packet& packet = record.packet();
      absl::StrAppend(&line, "packet ", Token(trace.LaneName(packet.lane())), " ",
                      EnumWord(packet.event(), pb::PacketEvent_Name(packet.event()), "PACKET_"),
                      " id=", packet.id());
      if (packet.reason() != pb::DROP_UNSPECIFIED) {
        absl::StrAppend(&line, " reason=",
                        EnumWord(packet.reason(), pb::DropReason_Name(packet.reason()), "DROP_"));
      }
      if (packet.length() != 0) absl::StrAppend(&line, " len=", packet.length());
      if (packet.tcp_flags() != 0) {
        absl::StrAppend(&line, " flags=", TcpFlagLetters(packet.tcp_flags()));
      }
      if (packet.seq() != 0) absl::StrAppend(&line, " seq=", packet.seq());
      if (packet.ack() != 0) absl::StrAppend(&line, " ack=", packet.ack());
      if (packet.fragment() != 0) {
        absl::StrAppend(&line, " frag=", packet.fragment() >> 1,
                        (packet.fragment() & 1) != 0 ? "+" : "");
      }
      if (packet.detail() != 0) absl::StrAppend(&line, " detail=", packet.detail());
      if (packet.flow() != 0) absl::StrAppend(&line, " ", Quoted(trace.String(packet.flow())));
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
