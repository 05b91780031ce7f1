// Trace recorder, reader and dump (DESIGN.md section 8; format in sim/trace/trace.proto).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "sim/time.h"
#include "sim/trace/dump.h"
#include "sim/trace/reader.h"
#include "sim/trace/recorder.h"
#include "sim/trace/trace.pb.h"

namespace ws2sim::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kLargeNs = (int64_t{1} << 62) + 3;

sim::VirtualTime At(int64_t ns) { return sim::VirtualTime::FromNanoseconds(ns); }

template <typename Message>
Message FromText(const std::string& text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

MATCHER_P(EqualsProto, expected_text, "equals the message " + std::string(expected_text)) {
  using Message = std::remove_cvref_t<decltype(arg)>;
  const Message expected = FromText<Message>(expected_text);
  *result_listener << "which is " << arg.ShortDebugString();
  return google::protobuf::util::MessageDifferencer::Equals(arg, expected);
}

pb::TraceHeader SampleHeader() {
  return FromText<pb::TraceHeader>(
      R"pb(scenario: "demo" seed: 42 strategy: "fifo" build_id: "ws2sim 0.1.0+test")pb");
}

// Every record kind and field: lane parents, interned strings reused, negative and extreme note
// values, packet records with every field and extreme ids, a large dt. kSampleRecords records with
// End, one fewer without.
constexpr size_t kSampleRecords = 20;
void RecordSample(Recorder& r, bool end = true) {
  r.LaneDef(At(0), 1, pb::LANE_PROCESS, "proc-1", 0);
  r.LaneDef(At(0), 2, pb::LANE_FIBER, "client-1", 1);
  const StringId sleep = r.Intern("sleep 10us");
  r.Fiber(At(1000), 2, pb::FIBER_SPAWN, 0);
  r.Fiber(At(12'000'250), 2, pb::FIBER_PARK, sleep);
  r.Choice(At(12'000'250), 3, 1, 2);
  const StringId sent = r.Intern("sent");
  r.Note(At(15'000'000), 2, sent, -5, std::numeric_limits<int64_t>::min());
  r.LaneDef(At(15'000'000), 3, pb::LANE_LINK, "l1 a->b", 0);
  const StringId flow = r.Intern("tcp 10.0.0.1:49152 > 10.0.0.2:80");
  r.Packet(At(15'000'000), {.lane = 3,
                            .event = pb::PACKET_SENT,
                            .id = 1,
                            .flow = flow,
                            .length = 1500,
                            .tcp_flags = 0x12,
                            .seq = 4294967295u,
                            .ack = 1,
                            .fragment = 1480 << 1 | 1,
                            .detail = 7});
  r.Packet(At(15'010'000), {.lane = 3, .event = pb::PACKET_DROPPED, .id = 1,
                            .reason = pb::DROP_QUEUE_FULL});
  r.Packet(At(15'010'000), {.event = pb::PACKET_CORRUPTED,
                            .id = std::numeric_limits<uint64_t>::max(),
                            .detail = std::numeric_limits<uint64_t>::max()});
  r.Note(At(kLargeNs), 0, 0, std::numeric_limits<int64_t>::max(), 0);
  // The largest Call: every field at its widest, Recorder::kMaxCallArgs arguments.
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t args[Recorder::kMaxCallArgs] = {kMin, kMax, 0, -1};
  r.Call(At(kLargeNs), 2, pb::LAYER_UPCALL, r.Intern("setsockopt"), pb::PHASE_RETURN, kMin, kMax,
         std::numeric_limits<uint32_t>::max(), args);
  if (end) r.End(At(kLargeNs + 7), pb::STOP_DEADLOCK, "s1.7.x", "all fibers blocked", 123);
}

// The records RecordSample writes, as the generated classes print them.
const std::vector<std::string>& SampleRecordTexts() {
  static const auto* texts = new std::vector<std::string>{
      R"pb(string_def { id: 1 text: "proc-1" })pb",
      R"pb(lane_def { lane: 1 kind: LANE_PROCESS name: 1 })pb",
      R"pb(string_def { id: 2 text: "client-1" })pb",
      R"pb(lane_def { lane: 2 kind: LANE_FIBER name: 2 parent: 1 })pb",
      R"pb(string_def { id: 3 text: "sleep 10us" })pb",
      R"pb(dt_ns: 1000
           fiber { lane: 2 action: FIBER_SPAWN })pb",
      R"pb(dt_ns: 11999250
           fiber { lane: 2 action: FIBER_PARK reason: 3 })pb",
      R"pb(choice { alternatives: 3 chosen: 1 lane: 2 })pb",
      R"pb(string_def { id: 4 text: "sent" })pb",
      R"pb(dt_ns: 2999750
           note { lane: 2 text: 4 a: -5 b: -9223372036854775808 })pb",
      R"pb(string_def { id: 5 text: "l1 a->b" })pb",
      R"pb(lane_def { lane: 3 kind: LANE_LINK name: 5 })pb",
      R"pb(string_def { id: 6 text: "tcp 10.0.0.1:49152 > 10.0.0.2:80" })pb",
      R"pb(packet {
             lane: 3
             event: PACKET_SENT
             id: 1
             flow: 6
             length: 1500
             tcp_flags: 18
             seq: 4294967295
             ack: 1
             fragment: 2961
             detail: 7
           })pb",
      R"pb(dt_ns: 10000
           packet { lane: 3 event: PACKET_DROPPED id: 1 reason: DROP_QUEUE_FULL })pb",
      R"pb(packet {
             event: PACKET_CORRUPTED
             id: 18446744073709551615
             detail: 18446744073709551615
           })pb",
      R"pb(dt_ns: 4611686018412377907
           note { a: 9223372036854775807 })pb",
      R"pb(string_def { id: 7 text: "setsockopt" })pb",
      R"pb(call {
             lane: 2
             layer: LAYER_UPCALL
             function: 7
             phase: PHASE_RETURN
             socket: -9223372036854775808
             result: 9223372036854775807
             error: 4294967295
             args: [ -9223372036854775808, 9223372036854775807, 0, -1 ]
           })pb",
      R"pb(dt_ns: 7
           end {
             reason: STOP_DEADLOCK
             schedule_id: "s1.7.x"
             message: "all fibers blocked"
             events: 123
           })pb",
  };
  return *texts;
}

std::string SampleBytes() {
  auto r = Recorder::InMemory(SampleHeader());
  RecordSample(*r);
  return r->Bytes();
}

// A trace file built with the generated classes, for inputs the recorder never writes.
std::string BytesOf(const std::vector<pb::Record>& records, uint64_t version = kFormatVersion) {
  std::string out(kMagic, sizeof(kMagic));
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.WriteVarint64(version);
  const std::string header = SampleHeader().SerializeAsString();
  coded.WriteVarint64(header.size());
  coded.WriteString(header);
  for (const pb::Record& record : records) {
    const std::string bytes = record.SerializeAsString();
    coded.WriteVarint64(bytes.size());
    coded.WriteString(bytes);
  }
  coded.Trim();
  return out;
}
// Records start at this byte in BytesOf's output (magic, version, header length and header).
size_t FirstRecordOffset() { return 8 + 1 + 1 + SampleHeader().ByteSizeLong(); }

pb::Record RecordFromText(const std::string& text) { return FromText<pb::Record>(text); }
pb::Record EndRecord() { return RecordFromText(R"pb(end { reason: STOP_COMPLETED })pb"); }

void ExpectSameRecord(const TraceRecord& got, const TraceRecord& want) {
  EXPECT_EQ(got.seq, want.seq);
  EXPECT_EQ(got.offset, want.offset);
  EXPECT_EQ(got.time, want.time);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got.record, want.record))
      << got.record.ShortDebugString() << " vs " << want.record.ShortDebugString();
}

// Reads a varint length and that many bytes.
bool ReadLengthDelimited(google::protobuf::io::CodedInputStream& in, std::string& bytes) {
  uint32_t length = 0;
  return in.ReadVarint32(&length) && in.ReadString(&bytes, static_cast<int>(length));
}

// Byte offset just past record `i` of a complete trace of `size` bytes.
uint64_t EndOffset(const Trace& trace, size_t i, size_t size) {
  return i + 1 < trace.records.size() ? trace.records[i + 1].offset : size;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::path(testing::TempDir()) / name).string();
}

// A fixed LCG (Knuth's MMIX constants), so the mix is the same everywhere.
struct Lcg {
  uint64_t state = 1;
  uint32_t Next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
};

// A typical mix: 40% fiber resume/park with a few interned reasons, 20% choices, 40% notes
// with small values, dt 0..10000 ns between records.
void RecordTypicalMix(Recorder& r, int count) {
  constexpr LaneId kLanes = 8;
  for (LaneId lane = 1; lane <= kLanes; ++lane) {
    r.LaneDef(At(0), lane, pb::LANE_FIBER, "fiber-" + std::to_string(lane), 0);
  }
  const StringId reasons[] = {r.Intern("sleep"), r.Intern("recv"), r.Intern("accept"),
                              r.Intern("select"), r.Intern("event")};
  const StringId note_texts[] = {r.Intern("sent"), r.Intern("received"), r.Intern("queued")};
  Lcg lcg;
  int64_t t_ns = 0;
  for (int i = 0; i < count; ++i) {
    t_ns += lcg.Next() % 10001;
    const uint32_t x = lcg.Next();
    const LaneId lane = 1 + x % kLanes;
    switch (x / kLanes % 10) {
      case 0:
      case 1:
        r.Fiber(At(t_ns), lane, pb::FIBER_RESUME, 0);
        break;
      case 2:
      case 3:
        r.Fiber(At(t_ns), lane, pb::FIBER_PARK, reasons[x / 256 % 5]);
        break;
      case 4:
      case 5: {
        const uint32_t alternatives = 2 + x / 256 % 3;
        r.Choice(At(t_ns), alternatives, x / 1024 % alternatives, lane);
        break;
      }
      default:
        r.Note(At(t_ns), lane, note_texts[x / 256 % 3], static_cast<int64_t>(x / 1024 % 100) - 50,
               x / 65536 % 50);
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------

TEST(TraceRoundTrip, EveryRecordKindAndField) {
  auto r = Recorder::InMemory(SampleHeader());
  RecordSample(*r);
  EXPECT_EQ(r->records(), kSampleRecords);
  EXPECT_EQ(r->bytes(), r->Bytes().size());

  const ReadResult read = ReadTraceBytes(r->Bytes(), "sample.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  const Trace& trace = read.trace;
  EXPECT_EQ(trace.format_version, kFormatVersion);
  ASSERT_EQ(trace.records.size(), SampleRecordTexts().size());
  for (size_t i = 0; i < trace.records.size(); ++i) {
    EXPECT_EQ(trace.records[i].seq, i);
    EXPECT_THAT(trace.records[i].record, EqualsProto(SampleRecordTexts()[i])) << "record " << i;
    if (i > 0) {
      EXPECT_GT(trace.records[i].offset, trace.records[i - 1].offset);
    }
  }
  EXPECT_EQ(trace.records[0].offset, FirstRecordOffset());
  const std::vector<int64_t> times_ns = {
      0,          0,          0,          0,          0,          1000,
      12'000'250, 12'000'250, 12'000'250, 15'000'000, 15'000'000, 15'000'000,
      15'000'000, 15'000'000, 15'010'000, 15'010'000, kLargeNs,   kLargeNs,
      kLargeNs,   kLargeNs + 7};
  ASSERT_EQ(times_ns.size(), kSampleRecords);
  for (size_t i = 0; i < times_ns.size(); ++i) {
    EXPECT_EQ(trace.records[i].time, At(times_ns[i])) << "record " << i;
  }

  EXPECT_THAT(trace.strings, ElementsAre("", "proc-1", "client-1", "sleep 10us", "sent", "l1 a->b",
                                         "tcp 10.0.0.1:49152 > 10.0.0.2:80", "setsockopt"));
  ASSERT_EQ(trace.lanes.size(), 3u);
  EXPECT_THAT(trace.lanes.at(1), EqualsProto(R"pb(lane: 1 kind: LANE_PROCESS name: 1)pb"));
  EXPECT_THAT(trace.lanes.at(2), EqualsProto(R"pb(lane: 2 kind: LANE_FIBER name: 2 parent: 1)pb"));
  EXPECT_EQ(trace.LaneName(0), "engine");
  EXPECT_EQ(trace.LaneName(2), "client-1");
  EXPECT_EQ(trace.LaneName(9), "lane#9");
  EXPECT_EQ(trace.String(3), "sleep 10us");
  EXPECT_EQ(trace.String(0), "");
  EXPECT_EQ(trace.String(99), "");
  ASSERT_TRUE(trace.end.has_value());
  EXPECT_THAT(*trace.end, EqualsProto(R"pb(reason: STOP_DEADLOCK
                                           schedule_id: "s1.7.x"
                                           message: "all fibers blocked"
                                           events: 123)pb"));
}

TEST(TraceRoundTrip, HeaderFields) {
  const pb::TraceHeader header = FromText<pb::TraceHeader>(R"pb(
    scenario: "scenarios/race_r01.textproto"
    seed: 18446744073709551615
    strategy: "replay"
    build_id: "ws2sim 0.1.0+abc"
    replay_schedule: "s1.7.x"
    args: [ "--hosts=2", "" ]
  )pb");
  auto r = Recorder::InMemory(header);
  r->End(At(0), pb::STOP_COMPLETED, "", "", 0);
  const ReadResult read = ReadTraceBytes(r->Bytes(), "h.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(read.trace.header, header))
      << read.trace.header.ShortDebugString();
}

TEST(TraceRoundTrip, InternReturnsTheSameIdAndDefinesEachStringOnce) {
  auto r = Recorder::InMemory(SampleHeader());
  EXPECT_EQ(r->Intern(""), 0u);
  EXPECT_EQ(r->records(), 0u);  // "" is never written
  EXPECT_EQ(r->Intern("a"), 1u);
  EXPECT_EQ(r->Intern("b"), 2u);
  EXPECT_EQ(r->Intern("a"), 1u);
  r->LaneDef(At(0), 1, pb::LANE_HOST, "b", 0);  // the name is already interned
  EXPECT_EQ(r->records(), 3u);
  EXPECT_EQ(r->Intern("c"), 3u);
  r->End(At(0), pb::STOP_COMPLETED, "", "", 0);
  const ReadResult read = ReadTraceBytes(r->Bytes(), "i.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_THAT(read.trace.strings, ElementsAre("", "a", "b", "c"));
  EXPECT_EQ(read.trace.records.size(), 5u);
}

TEST(TraceRoundTrip, StringDefDoesNotAdvanceTime) {
  auto r = Recorder::InMemory(SampleHeader());
  r->Note(At(500), 0, 0, 1, 2);
  const StringId late = r->Intern("late");  // no time argument: at the previous record's time
  r->Note(At(500), 0, late, 0, 0);          // so a record at that same time is still allowed
  r->End(At(600), pb::STOP_COMPLETED, "", "", 0);
  const ReadResult read = ReadTraceBytes(r->Bytes(), "t.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  ASSERT_EQ(read.trace.records.size(), 4u);
  EXPECT_THAT(read.trace.records[1].record,
              EqualsProto(R"pb(string_def { id: 1 text: "late" })pb"));
  EXPECT_EQ(read.trace.records[1].time, At(500));
  EXPECT_EQ(read.trace.records[2].time, At(500));
  EXPECT_EQ(read.trace.records[3].time, At(600));
}

TEST(TraceRoundTrip, FileAndMemoryRecordersWriteIdenticalBytes) {
  const std::string path = TempPath("file_and_memory.w2t");
  {
    absl::StatusOr<std::unique_ptr<Recorder>> file = Recorder::Open(path, SampleHeader());
    ASSERT_TRUE(file.ok()) << file.status();
    RecordSample(**file);
    EXPECT_TRUE((*file)->Close().ok());
    EXPECT_TRUE((*file)->Close().ok());  // idempotent
    EXPECT_EQ((*file)->Bytes(), "");
  }
  std::ifstream in(path, std::ios::binary);
  const std::string file_bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  EXPECT_EQ(file_bytes, SampleBytes());
  const ReadResult read = ReadTraceFile(path);
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.trace.records.size(), kSampleRecords);
  std::filesystem::remove(path);
}

TEST(TraceRoundTrip, InvalidUtf8IsRecordedEscaped) {
  pb::TraceHeader header = SampleHeader();
  header.set_scenario("caf\xe9");
  auto r = Recorder::InMemory(header);
  const StringId id = r->Intern("caf\xe9");
  EXPECT_EQ(r->Intern("caf\xe9"), id);
  r->Note(At(0), 0, id, 0, 0);
  r->End(At(0), pb::STOP_FAILED, "s\xff", "m\xc3", 0);
  const ReadResult read = ReadTraceBytes(r->Bytes(), "u.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.trace.header.scenario(), "caf\\xe9");
  EXPECT_EQ(read.trace.String(id), "caf\\xe9");
  EXPECT_THAT(*read.trace.end,
              EqualsProto(R"pb(reason: STOP_FAILED schedule_id: "s\\xff" message: "m\\xc3")pb"));
}

// ---------------------------------------------------------------------------------------------

TEST(TraceEncoding, HandWrittenBytesEqualTheGeneratedSerialization) {
  const std::string bytes = SampleBytes();
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  std::string magic;
  ASSERT_TRUE(in.ReadString(&magic, sizeof(kMagic)));
  EXPECT_EQ(magic, std::string(kMagic, sizeof(kMagic)));
  uint32_t version = 0;
  ASSERT_TRUE(in.ReadVarint32(&version));
  EXPECT_EQ(version, kFormatVersion);
  std::string header;
  ASSERT_TRUE(ReadLengthDelimited(in, header));
  EXPECT_EQ(header, SampleHeader().SerializeAsString());
  for (const std::string& text : SampleRecordTexts()) {
    std::string body;
    ASSERT_TRUE(ReadLengthDelimited(in, body));
    pb::Record parsed;
    ASSERT_TRUE(parsed.ParseFromString(body));
    EXPECT_THAT(parsed, EqualsProto(text));
    EXPECT_EQ(body, RecordFromText(text).SerializeAsString()) << text;
  }
  EXPECT_EQ(in.CurrentPosition(), static_cast<int>(bytes.size()));
}

TEST(TraceEncoding, NegativeAndUnknownEnumsMatchTheGeneratedSerialization) {
  auto r = Recorder::InMemory(pb::TraceHeader());
  const size_t header_bytes = r->Bytes().size();
  r->LaneDef(At(0), 1, static_cast<pb::LaneKind>(-1), "", 0);
  r->Fiber(At(0), 1, static_cast<pb::FiberAction>(-300), 0);
  r->Fiber(At(0), 1, static_cast<pb::FiberAction>(1000), 0);
  r->End(At(0), static_cast<pb::StopReason>(-2), "", "", 0);
  pb::Record lane, fiber, unknown, end;
  lane.mutable_lane_def()->set_lane(1);
  lane.mutable_lane_def()->set_kind(static_cast<pb::LaneKind>(-1));
  fiber.mutable_fiber()->set_lane(1);
  fiber.mutable_fiber()->set_action(static_cast<pb::FiberAction>(-300));
  unknown.mutable_fiber()->set_lane(1);
  unknown.mutable_fiber()->set_action(static_cast<pb::FiberAction>(1000));
  end.mutable_end()->set_reason(static_cast<pb::StopReason>(-2));
  std::string expected;
  for (const pb::Record* record : {&lane, &fiber, &unknown, &end}) {
    const std::string body = record->SerializeAsString();
    expected += static_cast<char>(body.size());  // each is < 128 bytes
    expected += body;
  }
  EXPECT_EQ(r->Bytes().substr(header_bytes), expected);
}

TEST(TraceEncoding, ExactBytesOfSmallRecords) {
  auto r = Recorder::InMemory(pb::TraceHeader());
  const size_t header_bytes = r->Bytes().size();
  EXPECT_EQ(r->Bytes(), std::string("W2SIMTRC\x01\x00", 10));
  r->Choice(At(0), 2, 1, 3);      // dt 0 omitted
  r->Choice(At(300), 0, 0, 0);    // every body field 0: an empty body, still present
  r->Note(At(300), 1, 0, -1, 1);  // sint64 is ZigZag: -1 -> 1, 1 -> 2
  EXPECT_EQ(r->Bytes().substr(header_bytes), std::string("\x08\x2a\x06\x08\x02\x10\x01\x18\x03"
                                                         "\x05\x08\xac\x02\x2a\x00"
                                                         "\x08\x32\x06\x08\x01\x18\x01\x20\x02",
                                                         9 + 6 + 9));
}

TEST(TraceEncoding, ExactBytesOfPacketRecords) {
  auto r = Recorder::InMemory(pb::TraceHeader());
  const size_t header_bytes = r->Bytes().size();
  r->Packet(At(0), {.lane = 2, .event = pb::PACKET_DELIVERED, .id = 300});
  r->Packet(At(5), {.lane = 1, .event = pb::PACKET_DROPPED, .id = 1,
                    .reason = pb::DROP_LINK_DOWN});
  r->Packet(At(5), {.lane = 1,
                    .event = pb::PACKET_SENT,
                    .id = 2,
                    .flow = 1,
                    .length = 60,
                    .tcp_flags = 0x02,
                    .seq = 1000,
                    .fragment = 3,
                    .detail = 1});
  // Record = length, [dt_ns], tag 0x3a (field 7, length-delimited), body length, body; the body
  // is the non-zero fields in field order, each a one-byte tag and a varint (300 = ac 02).
  EXPECT_EQ(r->Bytes().substr(header_bytes),
            std::string("\x09\x3a\x07\x08\x02\x10\x04\x18\xac\x02"
                        "\x0c\x08\x05\x3a\x08\x08\x01\x10\x03\x18\x01\x20\x04"
                        "\x15\x3a\x13\x08\x01\x10\x01\x18\x02\x28\x01\x30\x3c\x38\x02"
                        "\x40\xe8\x07\x50\x03\x58\x01",
                        10 + 13 + 22));
  const ReadResult read = ReadTraceBytes(r->Bytes() + std::string("\x02\x7a\x00", 3), "p.w2t");
  // The reader checks a packet's lane (and flow string) like any other record's.
  EXPECT_THAT(std::string(read.status.message()),
              HasSubstr("byte 10: lane 2 used before it is defined"));
}

// Packets of a bulk TCP transfer as sim/net records them: every segment SENT (with its summary)
// and DELIVERED later (id only), an ACK flowing back for every second segment, seq and ack 32-bit
// values, a send every 0..200 us.
TEST(TraceEncoding, TypicalPacketMixTakesAtMost24BytesPerRecord) {
  auto r = Recorder::InMemory(SampleHeader());
  r->LaneDef(At(0), 1, pb::LANE_LINK, "l1 a->b", 0);
  r->LaneDef(At(0), 2, pb::LANE_LINK, "l1 b->a", 0);
  const StringId data = r->Intern("tcp 10.0.0.1:49152 > 10.0.0.2:80");
  const StringId acks = r->Intern("tcp 10.0.0.2:80 > 10.0.0.1:49152");
  const size_t start_bytes = r->Bytes().size();
  const uint64_t start_records = r->records();
  Lcg lcg;
  int64_t t_ns = 0;
  uint64_t id = 0;
  std::vector<std::pair<uint64_t, LaneId>> in_flight;  // delivered 100 sends later
  for (int i = 0; i < 20'000; ++i) {
    t_ns += lcg.Next() % 200'001;
    const bool ack = i % 3 == 2;
    const uint32_t seq = lcg.Next() << 1;
    const uint32_t ack_no = lcg.Next() << 1;
    r->Packet(At(t_ns), {.lane = ack ? 2u : 1u,
                         .event = pb::PACKET_SENT,
                         .id = ++id,
                         .flow = ack ? acks : data,
                         .length = ack ? 52u : 1500u,
                         .tcp_flags = ack ? 0x10u : 0x18u,
                         .seq = seq,
                         .ack = ack_no});
    in_flight.emplace_back(id, ack ? 2u : 1u);
    if (in_flight.size() > 100) {
      r->Packet(At(t_ns), {.lane = in_flight.front().second,
                           .event = pb::PACKET_DELIVERED,
                           .id = in_flight.front().first});
      in_flight.erase(in_flight.begin());
    }
  }
  const double bytes_per_record = static_cast<double>(r->Bytes().size() - start_bytes) /
                                  static_cast<double>(r->records() - start_records);
  EXPECT_LE(bytes_per_record, 24.0);
  std::printf("packet records: %.2f bytes each\n", bytes_per_record);
  r->End(At(t_ns), pb::STOP_COMPLETED, "", "", 0);
  const ReadResult read = ReadTraceBytes(r->Bytes(), "packets.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
}

TEST(TraceEncoding, TypicalMixTakesAtMost16BytesPerRecord) {
  auto r = Recorder::InMemory(SampleHeader());
  const size_t header_bytes = r->Bytes().size();
  RecordTypicalMix(*r, 100'000);
  const double bytes_per_record =
      static_cast<double>(r->Bytes().size() - header_bytes) / static_cast<double>(r->records());
  EXPECT_LE(bytes_per_record, 16.0);
  r->End(At(std::numeric_limits<int64_t>::max()), pb::STOP_COMPLETED, "", "", 0);
  const ReadResult read = ReadTraceBytes(r->Bytes(), "mix.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.trace.records.size(), r->records());
}

TEST(TraceEncoding, RecordsAndStringsLargerThanTheBufferSpanFlushes) {
  const std::string long_text(200'000, 'x');
  const std::string long_message(100'000, 'm');
  auto r = Recorder::InMemory(SampleHeader());
  for (int i = 0; i < 20'000; ++i) r->Note(At(i), 0, 0, i, -i);  // ~200 KB of small records
  const StringId long_id = r->Intern(long_text);
  r->Note(At(20'000), 0, long_id, 0, 0);
  r->End(At(20'000), pb::STOP_EVENT_LIMIT, "s", long_message, 20'001);
  EXPECT_EQ(r->bytes(), r->Bytes().size());
  const ReadResult read = ReadTraceBytes(r->Bytes(), "big.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  ASSERT_EQ(read.trace.records.size(), 20'003u);
  EXPECT_EQ(read.trace.records[12'345].record.note().a(), 12'345);
  EXPECT_EQ(read.trace.records[12'345].record.note().b(), -12'345);
  EXPECT_EQ(read.trace.String(long_id), long_text);
  EXPECT_EQ(read.trace.end->message(), long_message);
}

// ---------------------------------------------------------------------------------------------

TEST(TraceReader, EveryTruncationIsReportedWithItsByteOffsetAndKeepsThePrefix) {
  const std::string bytes = SampleBytes();
  const ReadResult full = ReadTraceBytes(bytes, "t.w2t");
  ASSERT_TRUE(full.status.ok()) << full.status;
  for (size_t size = 0; size < bytes.size(); ++size) {
    SCOPED_TRACE(testing::Message() << "prefix of " << size << " bytes");
    const ReadResult read = ReadTraceBytes(bytes.substr(0, size), "t.w2t");
    EXPECT_EQ(read.status.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(read.status.ToString(), StartsWith("DATA_LOSS: t.w2t: byte "));
    // Exactly the records that end within the prefix are returned, as the full read has them.
    size_t complete = 0;
    while (complete < full.trace.records.size() &&
           EndOffset(full.trace, complete, bytes.size()) <= size) {
      ++complete;
    }
    ASSERT_EQ(read.trace.records.size(), complete);
    for (size_t i = 0; i < complete; ++i) {
      ExpectSameRecord(read.trace.records[i], full.trace.records[i]);
    }
    EXPECT_FALSE(read.trace.end.has_value());
    DumpTrace(read.trace);
  }
}

TEST(TraceReader, EverySingleByteCorruptionIsHandled) {
  const std::string bytes = SampleBytes();
  const ReadResult full = ReadTraceBytes(bytes, "c.w2t");
  ASSERT_TRUE(full.status.ok()) << full.status;
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    for (uint8_t mask : {0x01, 0x02, 0x40, 0x80, 0xff}) {
      SCOPED_TRACE(testing::Message() << "byte " << pos << " ^ " << int{mask});
      std::string corrupt = bytes;
      corrupt[pos] = static_cast<char>(corrupt[pos] ^ mask);
      const ReadResult read = ReadTraceBytes(corrupt, "c.w2t");
      if (!read.status.ok()) {
        EXPECT_EQ(read.status.code(), absl::StatusCode::kDataLoss);
        EXPECT_THAT(read.status.ToString(), StartsWith("DATA_LOSS: c.w2t: byte "));
      }
      // Records wholly before the corrupt byte are read as before.
      size_t before = 0;
      while (before < full.trace.records.size() &&
             EndOffset(full.trace, before, bytes.size()) <= pos) {
        ++before;
      }
      ASSERT_GE(read.trace.records.size(), before);
      for (size_t i = 0; i < before; ++i) {
        ExpectSameRecord(read.trace.records[i], full.trace.records[i]);
      }
      DumpTrace(read.trace);
    }
  }
}

TEST(TraceReader, BadMagic) {
  std::string bytes = SampleBytes();
  bytes[3] = 'X';
  EXPECT_EQ(ReadTraceBytes(bytes, "demo.w2t").status,
            absl::DataLossError("demo.w2t: byte 0: not a ws2sim trace (bad magic)"));
  EXPECT_EQ(ReadTraceBytes("hello", "demo.w2t").status,
            absl::DataLossError("demo.w2t: byte 0: not a ws2sim trace (bad magic)"));
  EXPECT_EQ(ReadTraceBytes("", "demo.w2t").status,
            absl::DataLossError("demo.w2t: byte 0: empty file (not a ws2sim trace)"));
  EXPECT_EQ(ReadTraceBytes("W2SIM", "demo.w2t").status,
            absl::DataLossError("demo.w2t: byte 5: truncated trace (ends inside the magic)"));
}

TEST(TraceReader, UnsupportedVersion) {
  const ReadResult read = ReadTraceBytes(BytesOf({EndRecord()}, 3), "demo.w2t");
  EXPECT_EQ(
      read.status,
      absl::DataLossError("demo.w2t: byte 8: unsupported format version 3 (this build reads 1)"));
  EXPECT_EQ(read.trace.format_version, 0u);
  EXPECT_TRUE(read.trace.records.empty());
}

TEST(TraceReader, TruncatedRecordNamesItsLengthAndTheBytesLeft) {
  std::string bytes = BytesOf({});
  bytes += std::string(
      "\x0c"
      "abcde");
  EXPECT_EQ(ReadTraceBytes(bytes, "demo.w2t").status,
            absl::DataLossError(absl::StrCat("demo.w2t: byte ", FirstRecordOffset(),
                                             ": truncated record (length 12, 5 bytes left)")));
}

TEST(TraceReader, RecordThatDoesNotParse) {
  std::string bytes = BytesOf({});
  bytes += std::string("\x02\xff\xff");  // a tag varint that never ends
  EXPECT_EQ(ReadTraceBytes(bytes, "demo.w2t").status,
            absl::DataLossError(
                absl::StrCat("demo.w2t: byte ", FirstRecordOffset(), ": record does not parse")));
}

TEST(TraceReader, RecordWithoutAKnownBody) {
  // Only dt_ns, and a body field of a later format (14), which this build does not know.
  for (const std::string& record : {std::string("\x02\x08\x05"), std::string("\x02\x72\x00", 3)}) {
    const std::string bytes = BytesOf({}) + record;
    EXPECT_EQ(ReadTraceBytes(bytes, "demo.w2t").status,
              absl::DataLossError(absl::StrCat("demo.w2t: byte ", FirstRecordOffset(),
                                               ": record has no known body")));
  }
}

TEST(TraceReader, StringUsedBeforeItIsDefined) {
  const pb::Record def = RecordFromText(R"pb(string_def { id: 1 text: "a" })pb");
  const pb::Record note = RecordFromText(R"pb(note { text: 7 })pb");
  const std::string bytes = BytesOf({def, note, EndRecord()});
  const ReadResult read = ReadTraceBytes(bytes, "demo.w2t");
  EXPECT_EQ(read.status, absl::DataLossError(absl::StrCat(
                             "demo.w2t: byte ", FirstRecordOffset() + 1 + def.ByteSizeLong(),
                             ": string id 7 used before it is defined")));
  EXPECT_EQ(read.trace.records.size(), 1u);
  for (const char* text : {R"pb(fiber { reason: 2 })pb", R"pb(lane_def { lane: 1 name: 2 })pb",
                           R"pb(packet { flow: 2 })pb"}) {
    EXPECT_THAT(
        ReadTraceBytes(BytesOf({def, RecordFromText(text), EndRecord()}), "d").status.message(),
        HasSubstr("string id 2 used before it is defined"))
        << text;
  }
}

TEST(TraceReader, StringIdsAreSequentialFromOneAndNeverRedefined) {
  auto status_of = [](const std::vector<std::string>& texts) {
    std::vector<pb::Record> records;
    for (const std::string& text : texts) records.push_back(RecordFromText(text));
    records.push_back(EndRecord());
    return ReadTraceBytes(BytesOf(records), "d").status;
  };
  EXPECT_TRUE(
      status_of({R"pb(string_def { id: 1 text: "a" })pb", R"pb(string_def { id: 2 text: "a" })pb"})
          .ok());
  EXPECT_THAT(status_of({R"pb(string_def { id: 2 text: "a" })pb"}).message(),
              HasSubstr("string id 2 defined out of order (expected 1)"));
  EXPECT_THAT(
      status_of({R"pb(string_def { id: 1 text: "a" })pb", R"pb(string_def { id: 1 text: "b" })pb"})
          .message(),
      HasSubstr("string id 1 redefined"));
  EXPECT_THAT(status_of({R"pb(string_def { text: "a" })pb"}).message(),
              HasSubstr("string id 0 (the empty string) cannot be defined"));
}

TEST(TraceReader, LanesAreDefinedBeforeUseAndOnce) {
  auto status_of = [](const std::vector<std::string>& texts) {
    std::vector<pb::Record> records;
    for (const std::string& text : texts) records.push_back(RecordFromText(text));
    records.push_back(EndRecord());
    return ReadTraceBytes(BytesOf(records), "d").status;
  };
  // Lane 0 is the engine's and needs no LaneDef.
  EXPECT_TRUE(status_of({R"pb(fiber { action: FIBER_RESUME })pb", R"pb(choice { chosen: 1 })pb",
                         R"pb(note { a: 1 })pb", R"pb(packet { id: 1 })pb"})
                  .ok());
  for (const char* use : {R"pb(fiber { lane: 3 })pb", R"pb(choice { lane: 3 })pb",
                          R"pb(note { lane: 3 })pb", R"pb(packet { lane: 3 id: 1 })pb"}) {
    EXPECT_THAT(status_of({use}).message(), HasSubstr("lane 3 used before it is defined")) << use;
    EXPECT_TRUE(status_of({R"pb(lane_def { lane: 3 })pb", use}).ok()) << use;
  }
  EXPECT_THAT(status_of({R"pb(lane_def { lane: 3 })pb", R"pb(lane_def { lane: 3 })pb"}).message(),
              HasSubstr("lane 3 defined twice"));
}

TEST(TraceReader, MissingRunEndIsATruncatedRun) {
  auto r = Recorder::InMemory(SampleHeader());
  RecordSample(*r, /*end=*/false);
  const ReadResult read = ReadTraceBytes(r->Bytes(), "demo.w2t");
  EXPECT_EQ(read.status, absl::DataLossError(
                             absl::StrCat("demo.w2t: byte ", r->Bytes().size(),
                                          ": trace ends without a RunEnd record (truncated run)")));
  EXPECT_EQ(read.trace.records.size(), kSampleRecords - 1);
  EXPECT_FALSE(read.trace.end.has_value());
}

TEST(TraceReader, DataAfterRunEnd) {
  const std::string bytes = SampleBytes();
  const ReadResult read = ReadTraceBytes(bytes + std::string("\x02\x2a\x00", 3), "demo.w2t");
  EXPECT_EQ(read.status, absl::DataLossError(
                             absl::StrCat("demo.w2t: byte ", bytes.size(), ": data after RunEnd")));
  EXPECT_EQ(read.trace.records.size(), kSampleRecords);
}

TEST(TraceReader, TimeThatOverflowsInt64) {
  const pb::Record max = RecordFromText(R"pb(dt_ns: 9223372036854775807
                                             choice {})pb");
  const pb::Record one = RecordFromText(R"pb(dt_ns: 1
                                             choice {})pb");
  const pb::Record huge = RecordFromText(R"pb(dt_ns: 9223372036854775808
                                              choice {})pb");
  EXPECT_TRUE(ReadTraceBytes(BytesOf({max, EndRecord()}), "d").status.ok());
  EXPECT_THAT(ReadTraceBytes(BytesOf({max, one, EndRecord()}), "d").status.ToString(),
              HasSubstr("time overflows"));
  EXPECT_THAT(ReadTraceBytes(BytesOf({huge, EndRecord()}), "d").status.ToString(),
              HasSubstr("time overflows"));
}

TEST(TraceReader, OversizedLengthsAndMalformedVarints) {
  const size_t at = FirstRecordOffset();
  // A 17 MiB length with nothing behind it: rejected without allocating it.
  EXPECT_EQ(ReadTraceBytes(BytesOf({}) + std::string("\x80\x80\xc0\x08", 4), "d").status,
            absl::DataLossError(absl::StrCat(
                "d: byte ", at, ": record length 17825792 exceeds the limit of 16777216 bytes")));
  EXPECT_EQ(ReadTraceBytes(BytesOf({}) + std::string(11, '\xff'), "d").status,
            absl::DataLossError(absl::StrCat(
                "d: byte ", at, ": malformed record length (varint longer than 64 bits)")));
  EXPECT_EQ(ReadTraceBytes(BytesOf({}) + std::string("\x80\x80", 2), "d").status,
            absl::DataLossError(absl::StrCat(
                "d: byte ", at, ": truncated record length (varint incomplete, 2 bytes left)")));
  // The same checks guard the header.
  EXPECT_EQ(ReadTraceBytes(std::string("W2SIMTRC\x01\xff\xff\xff\xff\x0f", 14), "d").status,
            absl::DataLossError(
                "d: byte 9: header length 4294967295 exceeds the limit of 16777216 bytes"));
  EXPECT_EQ(ReadTraceBytes(std::string("W2SIMTRC\x01\x03\x08", 11), "d").status,
            absl::DataLossError("d: byte 9: truncated header (length 3, 1 bytes left)"));
}

TEST(TraceReader, MissingFileIsNotFound) {
  const ReadResult read = ReadTraceFile("/nonexistent-ws2sim-dir/x.w2t");
  EXPECT_EQ(read.status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(read.status.ToString(), HasSubstr("/nonexistent-ws2sim-dir/x.w2t"));
}

// ---------------------------------------------------------------------------------------------

TEST(TraceFile, KilledRunLeavesEveryFlushedRecordReadable) {
  const std::string path = TempPath("killed.w2t");
  // The child records, flushes, records more without flushing and dies without closing.
  EXPECT_EXIT(
      {
        absl::StatusOr<std::unique_ptr<Recorder>> r = Recorder::Open(path, SampleHeader());
        if (!r.ok()) std::_Exit(1);
        RecordSample(**r, /*end=*/false);
        if (!(*r)->Flush().ok()) std::_Exit(2);
        for (int i = 0; i < 10; ++i) (*r)->Note(At(kLargeNs + i), 0, 0, i, 0);  // lost
        std::_Exit(0);
      },
      testing::ExitedWithCode(0), "");
  const ReadResult read = ReadTraceFile(path);
  EXPECT_EQ(read.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(read.status.ToString(),
              HasSubstr("trace ends without a RunEnd record (truncated run)"));
  ASSERT_EQ(read.trace.records.size(), kSampleRecords - 1);
  for (size_t i = 0; i < kSampleRecords - 1; ++i) {
    EXPECT_THAT(read.trace.records[i].record, EqualsProto(SampleRecordTexts()[i]));
  }
  std::filesystem::remove(path);
}

TEST(TraceFile, OpenErrorNamesThePathAndTheReason) {
  const absl::StatusOr<std::unique_ptr<Recorder>> r =
      Recorder::Open("/nonexistent-ws2sim-dir/x.w2t", SampleHeader());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(r.status().ToString(), HasSubstr("/nonexistent-ws2sim-dir/x.w2t"));
  EXPECT_THAT(r.status().ToString(), HasSubstr("No such file or directory"));
}

TEST(TraceFile, WriteErrorNamesThePathAndTheReason) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const absl::StatusOr<std::unique_ptr<Recorder>> r = Recorder::Open("/dev/full", SampleHeader());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(r.status().ToString(), HasSubstr("/dev/full"));
  EXPECT_THAT(r.status().ToString(), HasSubstr("No space left on device"));
}

// ---------------------------------------------------------------------------------------------

TEST(TraceRecorderDeathTest, TimeGoingBackwardsAborts) {
  auto r = Recorder::InMemory(SampleHeader());
  r->Note(At(10'000), 0, 0, 0, 0);
  EXPECT_DEATH(r->Choice(At(9'999), 2, 0, 0),
               "Choice record at 9.999us is before the previous record at 10us: record times "
               "must not go backwards \\(scenario=demo seed=42 in memory\\)");
  EXPECT_DEATH(r->End(At(0), pb::STOP_COMPLETED, "", "", 0), "must not go backwards");
}

TEST(TraceRecorderDeathTest, RecordsAfterEndAbort) {
  auto r = Recorder::InMemory(SampleHeader());
  r->End(At(0), pb::STOP_COMPLETED, "", "", 0);
  EXPECT_DEATH(r->Fiber(At(1), 0, pb::FIBER_RESUME, 0), "FiberEvent record after End");
  EXPECT_DEATH(r->Intern("new"), "StringDef record after End");
  EXPECT_TRUE(r->Close().ok());
  EXPECT_DEATH(r->Note(At(1), 0, 0, 0, 0), "Note record after Close");
}

// ---------------------------------------------------------------------------------------------

TEST(TraceDump, EveryRecordKindHasOneStableLine) {
  const ReadResult read = ReadTraceBytes(SampleBytes(), "d.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(DumpTrace(read.trace),
            "trace format=1 scenario=demo seed=42 strategy=fifo build=\"ws2sim 0.1.0+test\"\n"
            "#0 0 string 1 \"proc-1\"\n"
            "#1 0 lane 1 process proc-1 parent=engine\n"
            "#2 0 string 2 \"client-1\"\n"
            "#3 0 lane 2 fiber client-1 parent=proc-1\n"
            "#4 0 string 3 \"sleep 10us\"\n"
            "#5 1us fiber client-1 spawn\n"
            "#6 12.00025ms fiber client-1 park \"sleep 10us\"\n"
            "#7 12.00025ms choice 1/3 lane=client-1\n"
            "#8 12.00025ms string 4 \"sent\"\n"
            "#9 15ms note client-1 \"sent\" a=-5 b=-9223372036854775808\n"
            "#10 15ms string 5 \"l1 a->b\"\n"
            "#11 15ms lane 3 link \"l1 a->b\" parent=engine\n"
            "#12 15ms string 6 \"tcp 10.0.0.1:49152 > 10.0.0.2:80\"\n"
            "#13 15ms packet \"l1 a->b\" sent id=1 len=1500 flags=S. seq=4294967295 ack=1 "
            "frag=1480+ detail=7 \"tcp 10.0.0.1:49152 > 10.0.0.2:80\"\n"
            "#14 15.01ms packet \"l1 a->b\" dropped id=1 reason=queue_full\n"
            "#15 15.01ms packet engine corrupted id=18446744073709551615 "
            "detail=18446744073709551615\n"
            "#16 4611686018.427387907s note engine \"\" a=9223372036854775807 b=0\n"
            "#17 4611686018.427387907s string 7 \"setsockopt\"\n"
            "#18 4611686018.427387907s upcall client-1 setsockopt return socket=0x8000000000000000 "
            "args=-9223372036854775808,9223372036854775807,0,-1 result=9223372036854775807 "
            "error=4294967295\n"
            "#19 4611686018.427387914s end deadlock events=123 schedule=s1.7.x "
            "\"all fibers blocked\"\n");
}

TEST(TraceDump, HeaderLineShowsReplayScheduleAndArgs) {
  Trace trace;
  trace.format_version = 1;
  trace.header = FromText<pb::TraceHeader>(R"pb(
    scenario: "a b"
    seed: 7
    strategy: "replay"
    replay_schedule: "s1.2.x"
    args: [ "-v", "" ]
  )pb");
  EXPECT_EQ(DumpTrace(trace),
            "trace format=1 scenario=\"a b\" seed=7 strategy=replay build=\"\" "
            "replay_schedule=s1.2.x arg=-v arg=\"\"\n");
}

TEST(TraceDump, NonPrintableTextStaysOnOneLine) {
  auto r = Recorder::InMemory(SampleHeader());
  r->LaneDef(At(0), 1, pb::LANE_SOCKET, "sock\n1", 0);
  r->LaneDef(At(0), 2, pb::LANE_LINK, "", 0);
  r->Note(At(0), 1, r->Intern("line1\nline2\t\"q\"\\"), 0, 0);
  r->Note(At(0), 2, 0, 0, 0);
  r->End(At(0), pb::STOP_FAILED, "", "multi\nline\x01", 0);
  const ReadResult read = ReadTraceBytes(r->Bytes(), "d.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  const std::string dump = DumpTrace(read.trace);
  EXPECT_EQ(static_cast<uint64_t>(std::count(dump.begin(), dump.end(), '\n')), 1 + r->records());
  EXPECT_THAT(dump, HasSubstr("#1 0 lane 1 socket \"sock\\n1\" parent=engine\n"));
  EXPECT_THAT(dump, HasSubstr("#2 0 lane 2 link lane#2 parent=engine\n"));
  EXPECT_THAT(dump,
              HasSubstr("#4 0 note \"sock\\n1\" \"line1\\nline2\\t\\\"q\\\"\\\\\" a=0 b=0\n"));
  EXPECT_THAT(dump, HasSubstr("#5 0 note lane#2 \"\" a=0 b=0\n"));
  EXPECT_THAT(dump, HasSubstr("#6 0 end failed events=0 schedule=\"\" \"multi\\nline\\001\"\n"));
}

TEST(TraceDump, UnknownEnumValuesPrintTheirNumber) {
  auto r = Recorder::InMemory(SampleHeader());
  r->LaneDef(At(0), 1, static_cast<pb::LaneKind>(40), "x", 0);
  r->Fiber(At(0), 1, static_cast<pb::FiberAction>(9), 0);
  r->Fiber(At(0), 1, pb::FIBER_UNSPECIFIED, 0);
  r->Packet(At(0), {.lane = 1,
                    .event = static_cast<pb::PacketEvent>(99),
                    .id = 2,
                    .reason = static_cast<pb::DropReason>(-3),
                    .tcp_flags = 0x1ff});
  r->End(At(0), static_cast<pb::StopReason>(77), "", "", 0);
  const ReadResult read = ReadTraceBytes(r->Bytes(), "d.w2t");
  ASSERT_TRUE(read.status.ok()) << read.status;
  ASSERT_EQ(read.trace.records.size(), 6u);
  EXPECT_EQ(DumpRecord(read.trace, read.trace.records[1]),
            "#1 0 lane 1 unknown(40) x parent=engine");
  EXPECT_EQ(DumpRecord(read.trace, read.trace.records[2]), "#2 0 fiber x unknown(9)");
  EXPECT_EQ(DumpRecord(read.trace, read.trace.records[3]), "#3 0 fiber x unspecified");
  EXPECT_EQ(DumpRecord(read.trace, read.trace.records[4]),
            "#4 0 packet x unknown(99) id=2 reason=unknown(-3) flags=SFPRUWE.+0x100");
  EXPECT_EQ(DumpRecord(read.trace, read.trace.records[5]),
            "#5 0 end unknown(77) events=0 schedule=\"\" \"\"");
}

}  // namespace
}  // namespace ws2sim::trace

namespace ws2sim::trace {
namespace {

TEST(TraceRoundTrip, CallAndProcessRecordsRoundTripAndDump) {
  pb::TraceHeader header;
  header.set_scenario("calls");
  std::unique_ptr<Recorder> rec = Recorder::InMemory(header);
  rec->LaneDef(sim::VirtualTime::Zero(), 1, pb::LANE_PROCESS, "client/echo", 0);
  rec->LaneDef(sim::VirtualTime::Zero(), 2, pb::LANE_FIBER, "client/echo/main", 1);
  rec->Process(sim::VirtualTime::Zero(), 1, pb::PROCESS_START, rec->Intern("echo_client a 7"), 0,
               4104);
  const StringId recv = rec->Intern("recv");
  const int64_t recv_args[] = {4096, 0};
  rec->Call(sim::VirtualTime::FromNanoseconds(1000), 2, pb::LAYER_API, recv, pb::PHASE_ENTER,
            0x104, 0, 0, recv_args);
  rec->Call(sim::VirtualTime::FromNanoseconds(2000), 2, pb::LAYER_SPI, rec->Intern("WSPRecv"),
            pb::PHASE_RETURN, 0x104, -1, 10054);
  rec->Process(sim::VirtualTime::FromNanoseconds(3000), 1, pb::PROCESS_EXIT, 0, -3, 4104);
  rec->End(sim::VirtualTime::FromNanoseconds(3000), pb::STOP_COMPLETED, "s1.1.0", "", 4);
  ReadResult r = ReadTraceBytes(rec->Bytes(), "calls.w2t");
  ASSERT_TRUE(r.status.ok()) << r.status;
  std::vector<const TraceRecord*> calls, processes;
  for (const TraceRecord& t : r.trace.records) {
    if (t.record.has_call()) calls.push_back(&t);
    if (t.record.has_process()) processes.push_back(&t);
  }
  ASSERT_EQ(calls.size(), 2u);
  ASSERT_EQ(processes.size(), 2u);
  EXPECT_EQ(calls[1]->record.call().layer(), pb::LAYER_SPI);
  EXPECT_EQ(calls[1]->record.call().socket(), 0x104);
  EXPECT_EQ(calls[1]->record.call().result(), -1);
  EXPECT_EQ(calls[1]->record.call().error(), 10054u);
  EXPECT_EQ(processes[1]->record.process().code(), -3);
  EXPECT_EQ(processes[0]->record.process().pid(), 4104u);
  EXPECT_EQ(DumpRecord(r.trace, *calls[0]), absl::StrCat("#", calls[0]->seq,
                                                         " 1us api client/echo/main recv enter socket=0x104 args=4096,0"));
  EXPECT_EQ(DumpRecord(r.trace, *calls[1]),
            absl::StrCat("#", calls[1]->seq,
                         " 2us spi client/echo/main WSPRecv return socket=0x104 result=-1 error=10054"));
  EXPECT_EQ(DumpRecord(r.trace, *processes[0]),
            absl::StrCat("#", processes[0]->seq,
                         " 0 process client/echo start pid=4104 \"echo_client a 7\""));
  EXPECT_EQ(DumpRecord(r.trace, *processes[1]),
            absl::StrCat("#", processes[1]->seq, " 3us process client/echo exit pid=4104 code=-3"));
}

TEST(TraceReader, CallNamingAnUndefinedLaneIsAnError) {
  pb::TraceHeader header;
  std::unique_ptr<Recorder> rec = Recorder::InMemory(header);
  rec->Call(sim::VirtualTime::Zero(), 9, pb::LAYER_API, rec->Intern("send"), pb::PHASE_ENTER, 0, 0,
            0);
  rec->End(sim::VirtualTime::Zero(), pb::STOP_COMPLETED, "", "", 0);
  ReadResult r = ReadTraceBytes(rec->Bytes(), "bad.w2t");
  EXPECT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("lane"), absl::string_view::npos) << r.status;
}

}  // namespace
}  // namespace ws2sim::trace
