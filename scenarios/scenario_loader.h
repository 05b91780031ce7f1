// The scenario loader (DESIGN.md section 1: "scenario (.textproto) -> scenarios: load +
// validate -> sim::World").
//
// Parses a scenario written in protobuf text format against scenarios/scenario.proto and
// validates all of it: names present, well formed and unique; references to hosts, interfaces
// and links resolved; addresses, durations, percents, rates and counts in range; the Winsock
// catalog's structure. Nothing written wrongly is replaced by a default.
//
// Errors (DESIGN.md section 9): a scenario with problems gives one InvalidArgumentError listing
// every problem found, one per line, sorted by place:
//   <file>:<line>:<column>: <field path>: <what is wrong>
// e.g.
//   echo.textproto:12:7: links[1].endpoints[0]: unknown host 'srv'
//   echo.textproto:20:5: links[0].forward.loss: 150 is out of range [0, 100]
//   echo.textproto:9:3: hosts[2].name: duplicate host name 'client' (first defined at 3:3)
// Lines and columns are 1-based and point at the start of the offending field's name (columns
// count a tab as advancing to the next multiple of 8, as protobuf's tokenizer does); an error
// about a field that is missing points at the message that lacks it (1:1 for the top level). A
// text-format syntax error stops the parse; it is reported with the parser's place and text and
// no field path. At most Errors::kMaxReported errors are listed. A missing file is NotFound, an
// unreadable one Unavailable; both name the path.
//
// The loader does not depend on sim/net or model/: the result is the validated message plus
// the values parsed out of it, which the world builder turns into hosts, links and processes.
#ifndef WS2SIM_SCENARIOS_SCENARIO_LOADER_H_
#define WS2SIM_SCENARIOS_SCENARIO_LOADER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "scenarios/scenario.pb.h"
#include "scenarios/units.h"
#include "sim/scheduler.h"
#include "sim/time.h"

namespace ws2sim::scenarios {

namespace pb = ::ws2sim::scenario::pb;

// netem's Gilbert-Elliott loss model, percents.
struct GilbertElliottModel {
  double p = 0;
  double r = 0;
  double one_minus_h = 100;
  double one_minus_k = 0;
  bool operator==(const GilbertElliottModel&) const = default;
};

// One direction of a link with every default applied (scenario.proto, message LinkParams).
// Percents are in [0, 100].
struct LinkModel {
  sim::Duration delay;
  sim::Duration jitter;
  pb::LinkParams::JitterDistribution jitter_distribution = pb::LinkParams::uniform;
  double delay_correlation = 0;
  double loss = 0;  // independent loss; 0 when gilbert_elliott is set
  std::optional<GilbertElliottModel> gilbert_elliott;
  double loss_correlation = 0;
  double duplicate = 0;
  double duplicate_correlation = 0;
  double reorder = 0;
  double reorder_correlation = 0;
  int64_t gap = 0;  // 0: no gap
  double corrupt = 0;
  double corrupt_correlation = 0;
  int64_t rate_bits_per_second = 0;  // 0: unlimited
  int64_t limit = 1000;              // packets
  int64_t mtu = 1500;                // bytes
  bool operator==(const LinkModel&) const = default;
};

struct ScenarioInterface {
  std::string name;
  std::vector<IpPrefix> addresses;  // as written: address and prefix length
  int link = -1;                    // index into Scenario::links(), -1 when on no link
};

struct ScenarioRoute {
  IpPrefix prefix;               // host bits clear
  std::optional<IpAddress> via;  // the gateway
  int interface = -1;            // index into the host's interfaces, -1 when not given
};

struct ScenarioHost {
  std::string name;
  pb::Profile profile = pb::win32;
  std::vector<ScenarioInterface> interfaces;
  std::vector<ScenarioRoute> routes;
  // The catalog is proto().hosts(i).catalog(), present when proto().hosts(i).has_catalog().
};

struct LinkEndpoint {
  int host = -1;       // index into Scenario::hosts()
  int interface = -1;  // index into that host's interfaces
};

struct ScenarioLink {
  std::string name;
  pb::Link::Kind kind = pb::Link::point_to_point;
  std::vector<LinkEndpoint> endpoints;
  // forward: endpoints[0] -> endpoints[1]; reverse: the other way. A segment's two are equal.
  LinkModel forward;
  LinkModel reverse;
};

struct ScenarioChange {
  enum class What { kState, kBoth, kForward, kReverse };
  sim::VirtualTime at;
  int link = -1;       // index into Scenario::links()
  int file_index = 0;  // index into proto().changes()
  What what = What::kState;
  bool up = true;  // for kState
  // The link's models once this change (and every change before it) has applied.
  LinkModel forward_after;
  LinkModel reverse_after;
};

// TCP flag bits as in the TCP header.
enum TcpFlag : uint8_t {
  kTcpFin = 0x01,
  kTcpSyn = 0x02,
  kTcpRst = 0x04,
  kTcpPsh = 0x08,
  kTcpAck = 0x10,
  kTcpUrg = 0x20,
  kTcpEce = 0x40,
  kTcpCwr = 0x80,
};

struct ScenarioFault {
  std::string name;  // empty when not given
  int link = -1;     // index into Scenario::links()
  // Direction on the link; neither set: both directions. from/to: indexes into hosts(), -1 = any.
  std::optional<pb::Fault::Direction> direction;
  int from_host = -1;
  int to_host = -1;
  // Match; std::nullopt / -1 / 0 = anything.
  std::optional<pb::PacketMatch::Protocol> protocol;
  uint8_t tcp_flags_set = 0;    // TcpFlag bits that must be set
  uint8_t tcp_flags_clear = 0;  // TcpFlag bits that must be clear
  int src_port = -1;
  int dst_port = -1;
  std::optional<bool> has_payload;
  // The k-th matching packet (1-based) is selected when first <= k <= last and
  // (k - first) % step == 0: nth n is {n, n, 1}, every_nth n is {n, INT64_MAX, n}, range a..b
  // is {a, b, 1}.
  int64_t first = 1;
  int64_t last = 1;
  int64_t step = 1;
  pb::Fault::Action action = pb::Fault::drop;
  sim::Duration extra_delay;  // for action delay

  bool Selects(int64_t k) const { return k >= first && k <= last && (k - first) % step == 0; }
};

struct ScenarioProcess {
  int host = -1;  // index into Scenario::hosts()
  std::string name;
  std::string program;
  std::vector<std::string> args;
  sim::Duration start_at;
  int64_t instances = 1;
  pb::Profile profile = pb::win32;  // the host's when not given
  std::optional<int32_t> expected_exit_code;
};

// A validated scenario: the message as written plus the values parsed out of it.
class Scenario {
 public:
  const pb::Scenario& proto() const { return proto_; }
  // The file name errors were reported against (the path given to LoadScenarioFile).
  const std::string& file_name() const { return file_name_; }
  const std::string& name() const { return proto_.name(); }
  std::optional<uint64_t> seed() const {
    return proto_.has_seed() ? std::optional<uint64_t>(proto_.seed()) : std::nullopt;
  }
  // Absent limits are "no limit" (sim::RunLimits' defaults).
  const sim::RunLimits& limits() const { return limits_; }
  // tcpip.somaxconn when written.
  std::optional<int> somaxconn() const { return somaxconn_; }
  // tcpip.fd_close_waits_for_data (default true, D-42).
  bool fd_close_waits_for_data() const { return fd_close_waits_for_data_; }
  // tcpip.accept_defer_timeout when written (D-38).
  std::optional<sim::Duration> accept_defer_timeout() const { return accept_defer_timeout_; }

  // In file order: index i here is proto().hosts(i) etc.
  const std::vector<ScenarioHost>& hosts() const { return hosts_; }
  const std::vector<ScenarioLink>& links() const { return links_; }
  const std::vector<ScenarioProcess>& processes() const { return processes_; }
  const std::vector<ScenarioFault>& faults() const { return faults_; }
  // In the order they apply: by time, then file order.
  const std::vector<ScenarioChange>& changes() const { return changes_; }

  // Index of the host (exact spelling) or link, -1 when there is none.
  int FindHost(absl::string_view name) const;
  int FindLink(absl::string_view name) const;

 private:
  friend class ScenarioBuilder;
  pb::Scenario proto_;
  std::string file_name_;
  sim::RunLimits limits_;
  std::optional<int> somaxconn_;
  bool fd_close_waits_for_data_ = true;
  std::optional<sim::Duration> accept_defer_timeout_;
  std::vector<ScenarioHost> hosts_;
  std::vector<ScenarioLink> links_;
  std::vector<ScenarioProcess> processes_;
  std::vector<ScenarioFault> faults_;
  std::vector<ScenarioChange> changes_;
};

// Reads and loads the scenario at `path`; errors name `path` as given.
absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path);

// Loads scenario text; errors name `file_name`.
absl::StatusOr<Scenario> LoadScenarioText(absl::string_view text, absl::string_view file_name);

}  // namespace ws2sim::scenarios

#endif  // WS2SIM_SCENARIOS_SCENARIO_LOADER_H_
