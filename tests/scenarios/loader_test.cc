#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scenarios/scenario_loader.h"

namespace ws2sim::scenarios {
namespace {

using sim::Duration;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The error text of a scenario that must not load.
std::string ErrorsOf(absl::string_view text, absl::string_view file = "t.textproto") {
  absl::StatusOr<Scenario> s = LoadScenarioText(text, file);
  EXPECT_FALSE(s.ok()) << "loaded:\n" << text;
  if (s.ok()) return "";
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(s.status().message());
}

Scenario LoadOk(absl::string_view text) {
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "t.textproto");
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : Scenario();
}

// Two hosts on a point-to-point link, lines 1..11; tests append to it.
constexpr char kTwoHosts[] = R"(name: "two hosts"
hosts {
  name: "client"
  interfaces { name: "eth0" addresses: "10.0.0.2/24" }
}
hosts {
  name: "server"
  interfaces { name: "eth0" addresses: "10.0.0.1/24" }
}
links { name: "wire" kind: point_to_point endpoints: ["client.eth0", "server.eth0"] }
)";

// ---- a valid scenario

TEST(LoadScenario, AValidScenarioGivesItsParsedValues) {
  const Scenario s = LoadOk(R"(
name: "echo"
description: "d"
seed: 42
limits { max_events: 1000 max_virtual_time: "1.5s" max_wall_seconds: 2.5 }
hosts {
  name: "server"
  profile: win16
  interfaces { name: "eth0" addresses: ["10.0.0.1/24", "fd00::1/64"] }
  interfaces { name: "eth1" addresses: "192.168.1.1/24" }
  routes { prefix: "0.0.0.0/0" via: "192.168.1.254" }
  routes { prefix: "10.9.0.0/16" interface: "eth0" }
}
hosts { name: "client" interfaces { name: "eth0" addresses: "10.0.0.2/24" } }
links {
  name: "wire" kind: point_to_point endpoints: ["client.eth0", "server.eth0"]
  both { delay: "100ms" loss: 5 rate: "10Mbit" mtu: 1400 }
}
processes { host: "server" name: "srv" program: "echo_server" args: "7" }
processes {
  host: "client" name: "cli" program: "echo_client" args: ["7", "server", "1000"]
  start_at: "10ms" instances: 3 expected_exit_code: 0
}
)");
  EXPECT_EQ(s.file_name(), "t.textproto");
  EXPECT_EQ(s.name(), "echo");
  EXPECT_EQ(s.seed(), 42u);
  EXPECT_EQ(s.limits().max_events, 1000u);
  EXPECT_EQ(s.limits().max_virtual_time, sim::VirtualTime::Zero() + Duration::Milliseconds(1500));
  EXPECT_EQ(s.limits().max_wall_seconds, 2.5);

  ASSERT_EQ(s.hosts().size(), 2u);
  const ScenarioHost& server = s.hosts()[0];
  EXPECT_EQ(server.name, "server");
  EXPECT_EQ(server.profile, pb::win16);
  ASSERT_EQ(server.interfaces.size(), 2u);
  ASSERT_EQ(server.interfaces[0].addresses.size(), 2u);
  EXPECT_EQ(server.interfaces[0].addresses[0].ToString(), "10.0.0.1/24");
  EXPECT_EQ(server.interfaces[0].addresses[1].ToString(), "fd00::1/64");
  EXPECT_EQ(server.interfaces[0].link, 0);
  EXPECT_EQ(server.interfaces[1].link, -1);
  ASSERT_EQ(server.routes.size(), 2u);
  EXPECT_EQ(server.routes[0].prefix.ToString(), "0.0.0.0/0");
  EXPECT_EQ(server.routes[0].via->ToString(), "192.168.1.254");
  EXPECT_EQ(server.routes[0].interface, -1);
  EXPECT_FALSE(server.routes[1].via.has_value());
  EXPECT_EQ(server.routes[1].interface, 0);
  EXPECT_EQ(s.hosts()[1].profile, pb::win32);

  ASSERT_EQ(s.links().size(), 1u);
  const ScenarioLink& wire = s.links()[0];
  EXPECT_EQ(wire.kind, pb::Link::point_to_point);
  ASSERT_EQ(wire.endpoints.size(), 2u);
  EXPECT_EQ(wire.endpoints[0].host, 1);
  EXPECT_EQ(wire.endpoints[1].host, 0);
  EXPECT_EQ(wire.forward.delay, Duration::Milliseconds(100));
  EXPECT_EQ(wire.forward.loss, 5);
  EXPECT_EQ(wire.forward.rate_bits_per_second, 10000000);
  EXPECT_EQ(wire.forward.mtu, 1400);
  EXPECT_EQ(wire.forward.limit, 1000);  // the default
  EXPECT_EQ(wire.forward, wire.reverse);
  EXPECT_EQ(s.FindLink("wire"), 0);
  EXPECT_EQ(s.FindHost("client"), 1);
  EXPECT_EQ(s.FindHost("Client"), -1);

  ASSERT_EQ(s.processes().size(), 2u);
  const ScenarioProcess& srv = s.processes()[0];
  EXPECT_EQ(srv.host, 0);
  EXPECT_EQ(srv.profile, pb::win16);  // the host's
  EXPECT_EQ(srv.start_at, Duration::Zero());
  EXPECT_EQ(srv.instances, 1);
  EXPECT_FALSE(srv.expected_exit_code.has_value());
  const ScenarioProcess& cli = s.processes()[1];
  EXPECT_EQ(cli.program, "echo_client");
  EXPECT_THAT(cli.args, ElementsAre("7", "server", "1000"));
  EXPECT_EQ(cli.start_at, Duration::Milliseconds(10));
  EXPECT_EQ(cli.instances, 3);
  EXPECT_EQ(cli.expected_exit_code, 0);
}

TEST(LoadScenario, AbsentLimitsAndSeedMeanNone) {
  const Scenario s = LoadOk(kTwoHosts);
  EXPECT_FALSE(s.seed().has_value());
  EXPECT_EQ(s.limits().max_events, 0u);
  EXPECT_EQ(s.limits().max_virtual_time, sim::VirtualTime::Max());
  EXPECT_EQ(s.limits().max_wall_seconds, 0);
  EXPECT_EQ(s.links()[0].forward, LinkModel{});
}

TEST(LoadScenario, TcpipParametersDefaultAndParse) {
  const Scenario defaults = LoadOk(kTwoHosts);
  EXPECT_FALSE(defaults.somaxconn().has_value());
  EXPECT_TRUE(defaults.fd_close_waits_for_data());  // D-42
  const Scenario s = LoadOk(std::string(kTwoHosts) +
                            "tcpip { somaxconn: 100 fd_close_waits_for_data: false }\n");
  EXPECT_EQ(s.somaxconn(), 100);
  EXPECT_FALSE(s.fd_close_waits_for_data());
}

// ---- the error format, on the issue's examples

TEST(LoadScenarioErrors, AnUnknownHostInAnEndpointNamesFileLineColumnAndField) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "cli" interfaces { name: "eth0" } }
hosts { name: "srv1" interfaces { name: "eth0" } }
links {
  name: "wire"
  kind: point_to_point
  endpoints: "cli.eth0"
  endpoints: "srv.eth0"
}
)",
                     "echo.textproto"),
            "echo.textproto:8:3: links[0].endpoints[1]: unknown host 'srv'");
}

TEST(LoadScenarioErrors, AListValueIsLocatedAtTheValue) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "cli" interfaces { name: "eth0" } }
links { name: "wire" kind: point_to_point endpoints: ["cli.eth0", "srv.eth0"] }
)"),
            "t.textproto:3:67: links[0].endpoints[1]: unknown host 'srv'");
  // Single values and lists mixed: each value keeps its own place.
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "h" interfaces { name: "e"
  addresses: "10.0.0.1/24"
  addresses: ["10.0.0.2/24", "10.0.0.3", "10.0.0.4/24"]
  addresses: "10.0.0.5"
} }
)"),
            "t.textproto:4:30: hosts[0].interfaces[0].addresses[2]: '10.0.0.3' has no prefix "
            "length (write 10.0.0.3/24, ...)\n"
            "t.textproto:5:3: hosts[0].interfaces[0].addresses[4]: '10.0.0.5' has no prefix "
            "length (write 10.0.0.5/24, ...)");
}

TEST(LoadScenarioErrors, AnOutOfRangePercentNamesTheDirection) {
  EXPECT_EQ(ErrorsOf(absl::StrCat(kTwoHosts, R"(links {
  name: "w2" kind: point_to_point endpoints: ["client.eth1", "server.eth1"]
  forward {
    delay: "1ms"
    loss: 150
  }
}
)")),
            "t.textproto:12:47: links[1].endpoints[0]: host 'client' has no interface "
            "'eth1'\n"
            "t.textproto:12:62: links[1].endpoints[1]: host 'server' has no interface "
            "'eth1'\n"
            "t.textproto:15:5: links[1].forward.loss: 150 is out of range [0, 100]");
}

TEST(LoadScenarioErrors, ADuplicateHostNameNamesTheFirstDefinition) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts {
  name: "client"
}
hosts { name: "server" }
hosts { name: "client" }
hosts { name: "CLIENT" }
)"),
            "t.textproto:6:9: hosts[2].name: duplicate host name 'client' (first defined at 3:3)\n"
            "t.textproto:7:9: hosts[3].name: duplicate host name 'CLIENT' (host names ignore "
            "case: 'client' is defined at 3:3)");
}

TEST(LoadScenarioErrors, ADurationWithoutAUnit) {
  EXPECT_EQ(ErrorsOf(absl::StrCat(kTwoHosts, R"(processes {
  host: "client" name: "p" program: "echo_client"
  start_at: "10"
}
)")),
            "t.textproto:13:3: processes[0].start_at: '10' has no unit (write 10ms, 10us, ...)");
}

TEST(LoadScenarioErrors, AMissingFieldIsReportedAtItsMessage) {
  EXPECT_EQ(ErrorsOf(""),
            "t.textproto:1:1: name: missing (every scenario needs a name)\n"
            "t.textproto:1:1: hosts: a scenario needs at least one host");
  EXPECT_EQ(ErrorsOf("name: \"x\"\nhosts {\n  interfaces {}\n}\n"),
            "t.textproto:2:1: hosts[0].name: missing (every host needs a name)\n"
            "t.textproto:3:3: hosts[0].interfaces[0].name: missing (every interface needs a name)");
}

TEST(LoadScenarioErrors, EveryErrorIsReportedInFileOrder) {
  // Processes are checked after hosts and links, but come first in this file.
  const std::string errors = ErrorsOf(R"(name: "x"
processes { host: "nowhere" name: "p" program: "echo" instances: 0 }
hosts { name: "a" interfaces { name: "e" addresses: "10.0.0.1/33" } }
links { name: "bad name" kind: segment endpoints: "a.e" both { corrupt: -1 } }
limits { max_events: 0 }
)");
  EXPECT_EQ(errors,
            "t.textproto:2:13: processes[0].host: unknown host 'nowhere'\n"
            "t.textproto:2:55: processes[0].instances: 0 is out of range [1, 100000]\n"
            "t.textproto:3:42: hosts[0].interfaces[0].addresses[0]: '10.0.0.1/33': prefix "
            "length 33 is out of range [0, 32]\n"
            "t.textproto:4:9: links[0].name: 'bad name' is not a valid name (use 1..63 "
            "letters, digits, '-' and '_', starting with a letter or digit)\n"
            "t.textproto:4:40: links[0].endpoints: a segment has at least 2 endpoints, not "
            "1\n"
            "t.textproto:4:64: links[0].both.corrupt: -1 is out of range [0, 100]\n"
            "t.textproto:5:10: limits.max_events: 0 must be greater than 0 (leave max_events "
            "out for no limit)");
}

TEST(LoadScenarioErrors, ATabAdvancesTheColumnToTheNextMultipleOfEight) {
  EXPECT_EQ(ErrorsOf("name: \"x\"\nhosts {\n\tname: \"a b\"\n}\n"),
            "t.textproto:3:9: hosts[0].name: 'a b' is not a valid name (use 1..63 letters, "
            "digits, '-' and '_', starting with a letter or digit)");
}

TEST(LoadScenarioErrors, UserTextIsEscapedSoEachErrorIsOneLine) {
  EXPECT_EQ(ErrorsOf("name: \"x\"\nhosts { name: \"a\\nb\" }\n"),
            "t.textproto:2:9: hosts[0].name: 'a\\nb' is not a valid name (use 1..63 letters, "
            "digits, '-' and '_', starting with a letter or digit)");
}

TEST(LoadScenarioErrors, TheNumberOfErrorsListedIsCapped) {
  std::string text = "name: \"x\"\n";
  for (int i = 0; i < 150; ++i) absl::StrAppend(&text, "hosts { name: \"-\" }\n");
  const std::string errors = ErrorsOf(text);
  const std::vector<std::string> lines = absl::StrSplit(errors, '\n');
  ASSERT_EQ(lines.size(), 101u);
  EXPECT_THAT(lines[0], HasSubstr("t.textproto:2:9: hosts[0].name: '-' is not a valid name"));
  EXPECT_EQ(lines[100], "t.textproto: ... and 50 more errors");
}

// ---- syntax errors

TEST(LoadScenarioSyntax, AnUnknownFieldCarriesTheParsersPlace) {
  EXPECT_EQ(ErrorsOf("name: \"x\"\nhosts { name: \"a\" }\nhosts {\n  nme: \"b\"\n}\n"),
            "t.textproto:4:6: Message type \"ws2sim.scenario.pb.Host\" has no field named "
            "\"nme\".");
}

TEST(LoadScenarioSyntax, NumbersOutsideTheFieldTypeAreParseErrors) {
  EXPECT_EQ(ErrorsOf("name: \"x\"\nseed: -1\n"), "t.textproto:2:7: Expected integer, got: -");
  EXPECT_THAT(ErrorsOf("name: \"x\"\nseed: 18446744073709551616\n"),
              HasSubstr("t.textproto:2:7: Integer out of range"));
}

TEST(LoadScenarioSyntax, AFieldWrittenTwiceIsAnError) {
  EXPECT_THAT(
      ErrorsOf("name: \"x\"\nname: \"y\"\n"),
      HasSubstr("t.textproto:2:5: Non-repeated field \"name\" is specified multiple times."));
}

TEST(LoadScenarioSyntax, AnUnknownEnumValueIsAnError) {
  EXPECT_THAT(ErrorsOf("name: \"x\"\nhosts { name: \"a\" profile: win95 }\n"),
              HasSubstr("t.textproto:2:"));
  EXPECT_THAT(ErrorsOf("name: \"x\"\nhosts { name: \"a\" profile: WIN32 }\n"),
              HasSubstr("Unknown enumeration value of \"WIN32\""));
}

TEST(LoadScenarioSyntax, TwoMembersOfAOneofAreAnError) {
  EXPECT_THAT(ErrorsOf(absl::StrCat(kTwoHosts,
                                    "links { name: \"x\" both { loss: 1 gilbert_elliott { p: 1 "
                                    "r: 2 } } }\n")),
              HasSubstr("t.textproto:11:50: Field \"gilbert_elliott\" is specified along with "
                        "field \"loss\", another member of oneof \"loss_model\"."));
}

TEST(LoadScenarioSyntax, ErrorsGoToTheStatusNotToStderr) {
  testing::internal::CaptureStderr();
  ErrorsOf("name: \"x\"\nhosts { nme: 1 }\n");
  ErrorsOf("\xff\xfe garbage {{{");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

// ---- files

TEST(LoadScenarioFile, AMissingFileIsNotFoundAndNamesThePath) {
  absl::StatusOr<Scenario> s = LoadScenarioFile("/nonexistent/dir/echo.textproto");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.status().message(), HasSubstr("/nonexistent/dir/echo.textproto"));
}

TEST(LoadScenarioFile, ADirectoryIsUnavailable) {
  absl::StatusOr<Scenario> s = LoadScenarioFile("/");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(s.status().message(), HasSubstr("/: cannot read the scenario"));
}

TEST(LoadScenarioFile, ErrorsNameThePathAsGiven) {
  char dir[] = "/tmp/ws2sim_scenario_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = absl::StrCat(dir, "/bad.textproto");
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("name: \"x\"\nhosts { name: \"\" }\n", f);
  std::fclose(f);
  absl::StatusOr<Scenario> s = LoadScenarioFile(path);
  EXPECT_EQ(s.status().message(),
            absl::StrCat(path, ":2:9: hosts[0].name: empty (every host needs a name)"));
  std::remove(path.c_str());
  rmdir(dir);
}

// ---- hosts, interfaces, addresses, routes

TEST(LoadScenarioHosts, InterfaceNamesAreUniquePerHost) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "a" interfaces { name: "e" } interfaces { name: "e" } }
hosts { name: "b" interfaces { name: "e" } }
)"),
            "t.textproto:2:57: hosts[0].interfaces[1].name: duplicate interface name 'e' in "
            "host 'a' (first defined at 2:32)");
}

TEST(LoadScenarioHosts, AnAddressIsUniqueInTheWorld) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "a" interfaces { name: "e" addresses: "10.0.0.1/24" } }
hosts { name: "b" interfaces { name: "e" addresses: ["fe80::1/64", "10.0.0.1/16"] } }
)"),
            "t.textproto:3:68: hosts[1].interfaces[0].addresses[1]: address 10.0.0.1 is "
            "already on a.e (at 2:42)");
}

TEST(LoadScenarioHosts, InterfaceAddressesAreUnicast) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "a" interfaces { name: "e" addresses: [
  "10.0.0.0/24",
  "10.0.0.255/24",
  "127.0.0.2/8",
  "224.0.0.1/4",
  "0.0.0.0/0",
  "255.255.255.255/32",
  "::1/128",
  "ff02::1/16",
  "::/0",
  "10.0.1.0/31",
  "10.0.2.0/32"
] } }
)"),
            "t.textproto:3:3: hosts[0].interfaces[0].addresses[0]: '10.0.0.0/24' is the network "
            "address of 10.0.0.0/24\n"
            "t.textproto:4:3: hosts[0].interfaces[0].addresses[1]: '10.0.0.255/24' is the "
            "broadcast address of 10.0.0.0/24\n"
            "t.textproto:5:3: hosts[0].interfaces[0].addresses[2]: '127.0.0.2/8' is a loopback "
            "address (every host has 127.0.0.1/8 already)\n"
            "t.textproto:6:3: hosts[0].interfaces[0].addresses[3]: '224.0.0.1/4' is a multicast "
            "address\n"
            "t.textproto:7:3: hosts[0].interfaces[0].addresses[4]: '0.0.0.0/0' is the unspecified "
            "address\n"
            "t.textproto:8:3: hosts[0].interfaces[0].addresses[5]: '255.255.255.255/32' is the "
            "limited broadcast address\n"
            "t.textproto:9:3: hosts[0].interfaces[0].addresses[6]: '::1/128' is the loopback "
            "address (every host has ::1 already)\n"
            "t.textproto:10:3: hosts[0].interfaces[0].addresses[7]: 'ff02::1/16' is a multicast "
            "address\n"
            "t.textproto:11:3: hosts[0].interfaces[0].addresses[8]: '::/0' is the unspecified "
            "address");
}

TEST(LoadScenarioHosts, RoutesNeedAReachableGateway) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts {
  name: "a"
  interfaces { name: "e0" addresses: ["10.0.0.1/24", "fd00::1/64"] }
  interfaces { name: "e1" addresses: "10.1.0.1/24" }
  routes { prefix: "0.0.0.0/0" via: "10.2.0.1" }
  routes { prefix: "10.5.0.0/16" via: "10.1.0.9" interface: "e0" }
  routes { prefix: "10.6.0.0/16" via: "10.0.0.1" }
  routes { prefix: "10.7.0.5/16" via: "10.0.0.9" }
  routes { prefix: "10.8.0.0/16" }
  routes { prefix: "10.9.0.0/16" interface: "e9" }
  routes { prefix: "10.10.0.0/16" via: "fd00::9" }
  routes { prefix: "::/0" via: "fd00::9" }
  routes { prefix: "::/0" via: "fd00::8" }
  routes { via: "10.0.0.9" }
}
)"),
            "t.textproto:6:32: hosts[0].routes[0].via: gateway 10.2.0.1 is not in a "
            "connected prefix of host 'a' (10.0.0.0/24, 10.1.0.0/24)\n"
            "t.textproto:7:34: hosts[0].routes[1].via: gateway 10.1.0.9 is not in a "
            "connected prefix of interface 'e0' of host 'a' (10.0.0.0/24)\n"
            "t.textproto:8:34: hosts[0].routes[2].via: gateway 10.0.0.1 is an address of "
            "host 'a' itself (a.e0)\n"
            "t.textproto:9:12: hosts[0].routes[3].prefix: '10.7.0.5/16' has host bits set "
            "(did you mean 10.7.0.0/16?)\n"
            "t.textproto:10:3: hosts[0].routes[4]: a route needs via (a gateway address) or "
            "interface (or both)\n"
            "t.textproto:11:34: hosts[0].routes[5].interface: host 'a' has no interface "
            "'e9'\n"
            "t.textproto:12:35: hosts[0].routes[6].via: gateway fd00::9 is IPv6 but the "
            "prefix 10.10.0.0/16 is IPv4\n"
            "t.textproto:14:12: hosts[0].routes[8].prefix: duplicate route to ::/0 in host "
            "'a' (first defined at 13:12)\n"
            "t.textproto:15:3: hosts[0].routes[9].prefix: missing (write 0.0.0.0/0 for a "
            "default route)");
}

TEST(LoadScenarioHosts, AnExplicitlyUnspecifiedProfileIsAnError) {
  EXPECT_EQ(ErrorsOf("name: \"x\"\nhosts { name: \"a\" profile: profile_unspecified }\n"),
            "t.textproto:2:19: hosts[0].profile: profile_unspecified is not allowed (write win32 "
            "or win16)");
}

// ---- links

TEST(LoadScenarioLinks, EndpointsMustResolveAndEachInterfaceIsOnOneLink) {
  EXPECT_EQ(ErrorsOf(absl::StrCat(kTwoHosts, R"(links {
  name: "wire"
  kind: point_to_point
  endpoints: ["Client.eth0", "server", "server.eth0", "client.eth1"]
}
links { name: "lan" kind: segment endpoints: ["client.eth0", "server.eth0"] }
links { kind: segment }
)")),
            "t.textproto:12:3: links[1].name: duplicate link name 'wire' (first defined at "
            "10:9)\n"
            "t.textproto:14:15: links[1].endpoints[0]: unknown host 'Client' (did you mean "
            "'client'?)\n"
            "t.textproto:14:30: links[1].endpoints[1]: 'server' is not host.interface (write "
            "server.eth0, ...)\n"
            "t.textproto:14:40: links[1].endpoints[2]: a point_to_point link has exactly 2 "
            "endpoints, not 4 (use kind: segment for more)\n"
            "t.textproto:14:40: links[1].endpoints[2]: server.eth0 is already on link 'wire' "
            "(at 10:70)\n"
            "t.textproto:14:55: links[1].endpoints[3]: host 'client' has no interface "
            "'eth1'\n"
            "t.textproto:16:47: links[2].endpoints[0]: client.eth0 is already on link 'wire' "
            "(at 10:55)\n"
            "t.textproto:16:62: links[2].endpoints[1]: server.eth0 is already on link 'wire' "
            "(at 10:70)\n"
            "t.textproto:17:1: links[3].name: missing (every link needs a name)\n"
            "t.textproto:17:1: links[3].endpoints: a segment has at least 2 endpoints, not 0");
}

TEST(LoadScenarioLinks, KindIsRequired) {
  EXPECT_EQ(ErrorsOf("name: \"x\"\nhosts { name: \"a\" }\nlinks { name: \"l\" }\n"),
            "t.textproto:3:1: links[0].kind: missing (write point_to_point or segment)");
}

TEST(LoadScenarioLinks, PerDirectionOverrideSemantics) {
  const std::string text = R"(name: "x"
hosts { name: "a" interfaces { name: "e" } }
hosts { name: "b" interfaces { name: "e" } }
links {
  name: "w" kind: point_to_point endpoints: ["a.e", "b.e"]
  both { delay: "10ms" jitter: "1ms" jitter_distribution: normal loss: 1 loss_correlation: 25
         rate: "1Mbit" }
  forward { delay: "20ms" gilbert_elliott { p: 1 r: 20 } }
  reverse { rate: "2Mbit" mtu: 576 }
}
)";
  const Scenario s = LoadOk(text);
  const LinkModel& f = s.links()[0].forward;
  const LinkModel& r = s.links()[0].reverse;
  // forward: its own delay and loss model; jitter and rate from both.
  EXPECT_EQ(f.delay, Duration::Milliseconds(20));
  EXPECT_EQ(f.jitter, Duration::Milliseconds(1));
  EXPECT_EQ(f.jitter_distribution, pb::LinkParams::normal);
  EXPECT_EQ(f.loss, 0);
  EXPECT_EQ(f.loss_correlation, 0);  // the loss model is replaced as a whole
  ASSERT_TRUE(f.gilbert_elliott.has_value());
  EXPECT_EQ(*f.gilbert_elliott, (GilbertElliottModel{1, 20, 100, 0}));
  EXPECT_EQ(f.rate_bits_per_second, 1000000);
  EXPECT_EQ(f.mtu, 1500);
  // reverse: both's values, with its own rate and mtu.
  EXPECT_EQ(r.delay, Duration::Milliseconds(10));
  EXPECT_EQ(r.loss, 1);
  EXPECT_EQ(r.loss_correlation, 25);
  EXPECT_FALSE(r.gilbert_elliott.has_value());
  EXPECT_EQ(r.rate_bits_per_second, 2000000);
  EXPECT_EQ(r.mtu, 576);
}

TEST(LoadScenarioLinks, AFieldOfBothThatOneDirectionLeavesUselessSaysWhichDirection) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "a" interfaces { name: "e" } }
hosts { name: "b" interfaces { name: "e" } }
links {
  name: "w" kind: point_to_point endpoints: ["a.e", "b.e"]
  both { jitter_distribution: pareto reorder: 10 }
  forward { jitter: "1ms" delay: "5ms" }
}
)"),
            "t.textproto:6:10: links[0].both.jitter_distribution: jitter_distribution needs a "
            "jitter > 0 (in the reverse direction)\n"
            "t.textproto:6:38: links[0].both.reorder: reorder needs a delay > 0 (netem reorders "
            "by sending some packets without the delay) (in the reverse direction)");
}

TEST(LoadScenarioLinks, QualifyingFieldsNeedWhatTheyQualify) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "a" interfaces { name: "e" } }
hosts { name: "b" interfaces { name: "e" } }
links {
  name: "w" kind: segment endpoints: ["a.e", "b.e"]
  both {
    delay_correlation: 10
    loss_correlation: 10
    duplicate_correlation: 10
    reorder_correlation: 10
    gap: 5
    corrupt_correlation: 10
  }
}
)"),
            "t.textproto:7:5: links[0].both.delay_correlation: delay_correlation needs a jitter "
            "> 0\n"
            "t.textproto:8:5: links[0].both.loss_correlation: loss_correlation needs loss > 0\n"
            "t.textproto:9:5: links[0].both.duplicate_correlation: duplicate_correlation needs "
            "duplicate > 0\n"
            "t.textproto:10:5: links[0].both.reorder_correlation: reorder_correlation needs "
            "reorder > 0\n"
            "t.textproto:11:5: links[0].both.gap: gap needs reorder > 0\n"
            "t.textproto:12:5: links[0].both.corrupt_correlation: corrupt_correlation needs "
            "corrupt > 0");
}

TEST(LoadScenarioLinks, ParameterRanges) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "a" interfaces { name: "e" addresses: "fd00::1/64" } }
hosts { name: "b" interfaces { name: "e" } }
links {
  name: "w" kind: point_to_point endpoints: ["a.e", "b.e"]
  both {
    delay: "-1ms"
    jitter: "2h"
    rate: "4bit"
    limit: 0
    mtu: 1000
    gap: 0
    duplicate: nan
    jitter_distribution: distribution_unspecified
  }
  forward { rate: "1.5bit" mtu: 65536 gilbert_elliott { r: 101 one_minus_k: -1 } }
}
)"),
            "t.textproto:7:5: links[0].both.delay: '-1ms' is negative (durations are >= 0)\n"
            "t.textproto:8:5: links[0].both.jitter: '2h' is out of range [0, 1h]\n"
            "t.textproto:9:5: links[0].both.rate: '4bit' is out of range [8bit, 10Tbit]\n"
            "t.textproto:10:5: links[0].both.limit: 0 is out of range [1, 10000000]\n"
            "t.textproto:11:5: links[0].both.mtu: 1000 is below 1280, the IPv6 minimum (an "
            "endpoint of the link has an IPv6 address) (in the reverse direction)\n"
            "t.textproto:12:5: links[0].both.gap: 0 is out of range [1, 1000000]\n"
            "t.textproto:13:5: links[0].both.duplicate: nan is not a number (percents are in "
            "[0, 100])\n"
            "t.textproto:14:5: links[0].both.jitter_distribution: distribution_unspecified "
            "is not allowed (write uniform, normal, pareto or paretonormal)\n"
            "t.textproto:16:13: links[0].forward.rate: '1.5bit' is not a whole number of "
            "bits per second\n"
            "t.textproto:16:28: links[0].forward.mtu: 65536 is out of range [68, 65535]\n"
            "t.textproto:16:39: links[0].forward.gilbert_elliott.p: missing (the Good -> Bad "
            "transition probability, percent)\n"
            "t.textproto:16:57: links[0].forward.gilbert_elliott.r: 101 is out of range [0, "
            "100]\n"
            "t.textproto:16:64: links[0].forward.gilbert_elliott.one_minus_k: -1 is out of "
            "range [0, 100]");
}

TEST(LoadScenarioLinks, ASegmentHasOneSetOfParameters) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "a" interfaces { name: "e" } }
hosts { name: "b" interfaces { name: "e" } }
links {
  name: "w" kind: segment endpoints: ["a.e", "b.e"]
  forward { delay: "1ms" }
}
)"),
            "t.textproto:6:3: links[0].forward: a segment has one set of parameters: write them "
            "in both");
  const Scenario s = LoadOk(R"(name: "x"
hosts { name: "a" interfaces { name: "e" } }
hosts { name: "b" interfaces { name: "e" } }
hosts { name: "c" interfaces { name: "e" } }
links { name: "w" kind: segment endpoints: ["a.e", "b.e", "c.e"] both { delay: "1ms" } }
)");
  EXPECT_EQ(s.links()[0].endpoints.size(), 3u);
  EXPECT_EQ(s.links()[0].forward.delay, Duration::Milliseconds(1));
  EXPECT_EQ(s.links()[0].forward, s.links()[0].reverse);
}

// ---- changes

TEST(LoadScenarioChanges, ChangesApplyInTimeThenFileOrder) {
  const Scenario s = LoadOk(absl::StrCat(kTwoHosts, R"(changes { at: "2s" link: "wire" state: up }
changes { at: "1s" link: "wire" forward { loss: 50 delay: "5ms" } }
changes { at: "1s" link: "wire" state: down }
changes { at: "3s" link: "wire" both { delay: "7ms" } }
changes { at: "4s" link: "wire" reverse { loss: 1 } }
)"));
  ASSERT_EQ(s.changes().size(), 5u);
  const auto& c = s.changes();
  EXPECT_EQ(c[0].file_index, 1);
  EXPECT_EQ(c[0].at, sim::VirtualTime::Zero() + Duration::Seconds(1));
  EXPECT_EQ(c[0].what, ScenarioChange::What::kForward);
  EXPECT_EQ(c[0].forward_after.loss, 50);
  EXPECT_EQ(c[0].forward_after.delay, Duration::Milliseconds(5));
  EXPECT_EQ(c[0].reverse_after, LinkModel{});
  EXPECT_EQ(c[1].file_index, 2);
  EXPECT_EQ(c[1].what, ScenarioChange::What::kState);
  EXPECT_FALSE(c[1].up);
  EXPECT_EQ(c[2].file_index, 0);
  EXPECT_TRUE(c[2].up);
  EXPECT_EQ(c[3].what, ScenarioChange::What::kBoth);
  EXPECT_EQ(c[3].forward_after.delay, Duration::Milliseconds(7));
  EXPECT_EQ(c[3].forward_after.loss, 50);  // kept from the earlier change
  EXPECT_EQ(c[3].reverse_after.delay, Duration::Milliseconds(7));
  EXPECT_EQ(c[4].reverse_after.loss, 1);
  EXPECT_EQ(c[4].forward_after.loss, 50);
}

TEST(LoadScenarioChanges, ErrorsInChanges) {
  EXPECT_EQ(ErrorsOf(absl::StrCat(kTwoHosts, R"(changes { at: "1s" link: "cable" state: down }
changes { at: "-1s" link: "wire" state: state_unspecified }
changes { link: "wire" }
changes { at: "5s" link: "wire" forward { reorder: 5 } }
)")),
            "t.textproto:11:20: changes[0].link: unknown link 'cable'\n"
            "t.textproto:12:11: changes[1].at: '-1s' is negative (durations are >= 0)\n"
            "t.textproto:12:34: changes[1].state: state_unspecified is not allowed (write up "
            "or down)\n"
            "t.textproto:13:1: changes[2].at: missing (the virtual time of the change, e.g. "
            "\"2s\")\n"
            "t.textproto:13:1: changes[2]: a change needs one of state, both, forward or "
            "reverse\n"
            "t.textproto:14:43: changes[3].forward.reorder: reorder needs a delay > 0 (netem "
            "reorders by sending some packets without the delay)");
}

// ---- faults

TEST(LoadScenarioFaults, TheThirdSynAckFromServerToClient) {
  const Scenario s = LoadOk(absl::StrCat(kTwoHosts, R"(faults {
  name: "lose-synack"
  link: "wire" from_host: "server" to_host: "client"
  match { protocol: tcp tcp_flags: "SYN|ack" tcp_flags_clear: "RST" dst_port: 1024 }
  nth: 3
  action: drop
}
faults { link: "wire" direction: reverse every_nth: 4 action: delay extra_delay: "50ms" }
faults { link: "wire" range { first: 2 last: 5 } action: corrupt match { has_payload: true } }
)"));
  ASSERT_EQ(s.faults().size(), 3u);
  const ScenarioFault& f = s.faults()[0];
  EXPECT_EQ(f.name, "lose-synack");
  EXPECT_EQ(f.link, 0);
  EXPECT_EQ(f.from_host, 1);
  EXPECT_EQ(f.to_host, 0);
  EXPECT_EQ(f.protocol, pb::PacketMatch::tcp);
  EXPECT_EQ(f.tcp_flags_set, kTcpSyn | kTcpAck);
  EXPECT_EQ(f.tcp_flags_clear, kTcpRst);
  EXPECT_EQ(f.src_port, -1);
  EXPECT_EQ(f.dst_port, 1024);
  EXPECT_EQ(f.action, pb::Fault::drop);
  EXPECT_FALSE(f.Selects(2));
  EXPECT_TRUE(f.Selects(3));
  EXPECT_FALSE(f.Selects(4));
  const ScenarioFault& g = s.faults()[1];
  EXPECT_EQ(g.direction, pb::Fault::reverse);
  EXPECT_EQ(g.extra_delay, Duration::Milliseconds(50));
  EXPECT_FALSE(g.Selects(3));
  EXPECT_TRUE(g.Selects(4));
  EXPECT_TRUE(g.Selects(8));
  EXPECT_FALSE(g.Selects(9));
  const ScenarioFault& h = s.faults()[2];
  EXPECT_FALSE(h.Selects(1));
  EXPECT_TRUE(h.Selects(2));
  EXPECT_TRUE(h.Selects(5));
  EXPECT_FALSE(h.Selects(6));
  EXPECT_EQ(h.has_payload, true);
}

TEST(LoadScenarioFaults, ErrorsInFaults) {
  EXPECT_EQ(ErrorsOf(absl::StrCat(kTwoHosts, R"(hosts { name: "other" }
faults { link: "cable" nth: 1 action: drop }
faults { link: "wire" direction: forward from_host: "other" to_host: "nobody" nth: 0 }
faults {
  link: "wire" from_host: "client" to_host: "client" every_nth: 1 action: duplicate
  match { tcp_flags: "SYN|SYN" src_port: 70000 }
  extra_delay: "1ms"
}
faults { link: "wire" range { first: 3 last: 2 } action: delay }
faults { link: "wire" action: action_unspecified match { protocol: tcp tcp_flags: "SYN|FOO" } }
faults { link: "wire" nth: 1 action: drop match { protocol: tcp tcp_flags: "syn" tcp_flags_clear: "SYN" } }
)")),
            "t.textproto:12:10: faults[0].link: unknown link 'cable'\n"
            "t.textproto:13:1: faults[1].action: missing (write drop, delay, duplicate or "
            "corrupt)\n"
            "t.textproto:13:23: faults[1].direction: give either direction or "
            "from_host/to_host, not both\n"
            "t.textproto:13:42: faults[1].from_host: host 'other' is not on link 'wire'\n"
            "t.textproto:13:61: faults[1].to_host: unknown host 'nobody'\n"
            "t.textproto:13:79: faults[1].nth: 0 is out of range [1, 9223372036854775807]\n"
            "t.textproto:15:36: faults[2].to_host: from_host and to_host are both 'client'\n"
            "t.textproto:16:11: faults[2].match.tcp_flags: tcp_flags needs protocol: tcp\n"
            "t.textproto:16:11: faults[2].match.tcp_flags: 'SYN|SYN': SYN is listed twice\n"
            "t.textproto:16:32: faults[2].match.src_port: src_port needs protocol: tcp or "
            "udp\n"
            "t.textproto:16:32: faults[2].match.src_port: 70000 is out of range [0, 65535]\n"
            "t.textproto:17:3: faults[2].extra_delay: extra_delay is only for action: delay\n"
            "t.textproto:19:1: faults[3].extra_delay: missing (action delay needs the added "
            "delay, e.g. \"50ms\")\n"
            "t.textproto:19:40: faults[3].range.last: 2 is before first (3)\n"
            "t.textproto:20:1: faults[4]: which of the matching packets? write nth, "
            "every_nth or range\n"
            "t.textproto:20:23: faults[4].action: action_unspecified is not allowed (write "
            "drop, delay, duplicate or corrupt)\n"
            "t.textproto:20:72: faults[4].match.tcp_flags: 'SYN|FOO': 'FOO' is not a TCP "
            "flag (use FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, separated by '|')\n"
            "t.textproto:21:82: faults[5].match.tcp_flags_clear: SYN cannot be both set "
            "(tcp_flags) and clear");
}

TEST(LoadScenarioFaults, ASegmentHasNoDirection) {
  EXPECT_EQ(ErrorsOf(R"(name: "x"
hosts { name: "a" interfaces { name: "e" } }
hosts { name: "b" interfaces { name: "e" } }
links { name: "lan" kind: segment endpoints: ["a.e", "b.e"] }
faults { link: "lan" direction: forward nth: 1 action: drop }
)"),
            "t.textproto:5:22: faults[0].direction: a segment has no direction: use from_host "
            "and/or to_host");
}

// ---- processes

TEST(LoadScenarioProcesses, ProcessNamesAreUniquePerHost) {
  EXPECT_EQ(ErrorsOf(absl::StrCat(kTwoHosts, R"(processes { host: "client" name: "p" program: "a" }
processes { host: "server" name: "p" program: "a" }
processes { host: "client" name: "p" program: "b" }
)")),
            "t.textproto:13:28: processes[2].name: duplicate process name 'p' on host "
            "'client' (first defined at 11:28)");
}

TEST(LoadScenarioProcesses, ProcessFieldsAreChecked) {
  EXPECT_EQ(
      ErrorsOf(absl::StrCat(kTwoHosts, R"(processes { host: "Server" name: "p" program: "a b" }
processes { name: "q" profile: profile_unspecified start_at: "1.5ns" }
processes { host: "client" name: "r" program: "x" instances: 100001 }
)")),
      "t.textproto:11:13: processes[0].host: unknown host 'Server' (did you mean "
      "'server'?)\n"
      "t.textproto:11:38: processes[0].program: 'a b' is not a program name (use 1..63 "
      "letters, digits, '_', '-' and '.')\n"
      "t.textproto:12:1: processes[1].host: missing (every process names its host)\n"
      "t.textproto:12:1: processes[1].program: missing (the guest program to run, e.g. "
      "\"echo_server\")\n"
      "t.textproto:12:23: processes[1].profile: profile_unspecified is not allowed "
      "(write win32 or win16)\n"
      "t.textproto:12:52: processes[1].start_at: '1.5ns' is not a whole number of "
      "nanoseconds\n"
      "t.textproto:13:51: processes[2].instances: 100001 is out of range [1, 100000]");
}

TEST(LoadScenarioProcesses, AProcessProfileOverridesItsHosts) {
  const Scenario s = LoadOk(absl::StrCat(
      kTwoHosts, "processes { host: \"client\" name: \"p\" program: \"a\" profile: win16 }\n"));
  EXPECT_EQ(s.processes()[0].profile, pb::win16);
}

// ---- limits

TEST(LoadScenarioLimits, LimitsArePositive) {
  EXPECT_EQ(ErrorsOf(absl::StrCat(kTwoHosts, R"(limits {
  max_events: -5
  max_virtual_time: "0s"
  max_wall_seconds: inf
}
)")),
            "t.textproto:12:3: limits.max_events: -5 must be greater than 0 (leave max_events out "
            "for no limit)\n"
            "t.textproto:13:3: limits.max_virtual_time: '0s' must be greater than 0 (leave "
            "max_virtual_time out for no limit)\n"
            "t.textproto:14:3: limits.max_wall_seconds: inf must be a finite number greater than "
            "0 (leave max_wall_seconds out for no limit)");
}

// ---- catalogs

// A catalog with one provider in both forms, lines 1..; the host is "h".
constexpr char kCatalogHead[] = R"(name: "x"
hosts {
  name: "h"
  catalog {
)";

std::string NovlwpRegistry(absl::string_view provider_name, absl::string_view extra_values) {
  return absl::StrCat(R"(    registry {
      keys {
        name: "Providers"
        keys {
          name: ")",
                      provider_name, R"("
          values { name: "ProviderFilename" sz: "novlwp.WSP" }
          values { name: "ProviderDescription" sz: "Novell LAN WorkPlace for DOS" }
          values { name: "ProviderDomain" dword: 2 }
          values { name: "ProviderAddrLength" dword: 16 }
          values { name: "NumSockets" dword: 1 }
          values { name: "SocketType0" dword: 1 }
          values { name: "AddressFamily0" dword: 2 }
          values { name: "Protocol0" dword: 6 }
          values { name: "MinimumAddressLength0" dword: 16 }
          values { name: "MaximumAddressLength0" dword: 16 }
          values { name: "ProtocolAttributes0" dword: 0x00001066 }
          values { name: "ProtocolSocketDescription0" sz: "Stream socket in INET domain" }
)",
                      extra_values, R"(        }
      }
      keys { name: "ProviderOrder" values { name: "novlwp" sz: "" } }
    }
)");
}

TEST(LoadScenarioCatalog, AWellFormedRegistryAndIniLoad) {
  const std::string text = absl::StrCat(kCatalogHead, NovlwpRegistry("novlwp", ""), R"(    ini {
      sections { name: "Providers"
        entries { key: "NumProviders" value: "1" }
        entries { key: "ProviderKey0" value: '"novlwp"' }
      }
      sections { name: "Provider-novlwp"
        entries { key: "ProviderFilename" value: '"novlwp.WSP"' }
        entries { key: "ProviderDescription" value: '"Novell LAN WorkPlace for DOS"' }
        entries { key: "ProviderDomain" value: "2" }
        entries { key: "ProviderAddrLength" value: "16" }
        entries { key: "NumSockets" value: "1" }
        entries { key: "SocketType0" value: "1" }
        entries { key: "AddressFamily0" value: "2" }
        entries { key: "Protocol0" value: "6" }
        entries { key: "MinimumAddressLength0" value: "16" }
        entries { key: "MaximumAddressLength0" value: "16" }
        entries { key: "ProtocolAttributes0" value: "0x00001066" }
        entries { key: "ProtocolSocketDescription0" value: '"Stream socket in INET domain"' }
      }
    }
  }
}
)");
  const Scenario s = LoadOk(text);
  ASSERT_TRUE(s.proto().hosts(0).has_catalog());
  EXPECT_EQ(s.proto().hosts(0).catalog().registry().keys(0).keys(0).values(10).dword(), 0x1066u);
}

TEST(LoadScenarioCatalog, RegistryWinsockRules) {
  const std::string text =
      absl::StrCat(kCatalogHead,
                   NovlwpRegistry("novlwp-with-a-name-longer-than-32-characters",
                                  R"(          values { name: "ProviderDomain" dword: 3 }
          values { name: "SocketType1" dword: 2 }
          values { name: "NumSockets" sz: "1" }
)"),
                   "  }\n}\n");
  EXPECT_EQ(ErrorsOf(text),
            "t.textproto:9:11: hosts[0].catalog.registry.keys[0].keys[0].name: provider name "
            "'novlwp-with-a-name-longer-than-32-characters' has 44 characters; the limit is "
            "32 (SPEC 1.6.1; set expect_malformed to test it)\n"
            "t.textproto:22:20: hosts[0].catalog.registry.keys[0].keys[0].values[12].name: "
            "duplicate value name 'ProviderDomain' (names ignore case; first defined at "
            "12:20)\n"
            "t.textproto:23:11: hosts[0].catalog.registry.keys[0].keys[0].values[13]: "
            "SocketType1 is beyond NumSockets (1): indexes run 0..0\n"
            "t.textproto:24:20: hosts[0].catalog.registry.keys[0].keys[0].values[14].name: "
            "duplicate value name 'NumSockets' (names ignore case; first defined at 14:20)\n"
            "t.textproto:27:45: hosts[0].catalog.registry.keys[1].values[0].name: "
            "ProviderOrder names 'novlwp', which is not a key under Providers");
}

TEST(LoadScenarioCatalog, MissingAndMistypedProviderValues) {
  const std::string text = absl::StrCat(kCatalogHead, R"(    registry {
      keys {
        name: "Providers"
        keys {
          name: "p"
          values { name: "ProviderFilename" dword: 1 }
          values { name: "NumSockets" dword: 2 }
          values { name: "SocketType0" sz: "stream" }
          values { name: "AddressFamily0" dword: 2 }
          values { name: "AddressFamily1" dword: 2 }
          values { name: "Private" binary: "\x01" }
        }
      }
    }
  }
}
)");
  EXPECT_EQ(ErrorsOf(text),
            "t.textproto:8:9: hosts[0].catalog.registry.keys[0].keys[0]: provider 'p' has no "
            "ProviderDescription, ProviderDomain, ProviderAddrLength\n"
            "t.textproto:8:9: hosts[0].catalog.registry.keys[0].keys[0]: provider 'p' has no "
            "Protocol0, MinimumAddressLength0, MaximumAddressLength0, ProtocolAttributes0, "
            "ProtocolSocketDescription0 (NumSockets is 2)\n"
            "t.textproto:8:9: hosts[0].catalog.registry.keys[0].keys[0]: provider 'p' has no "
            "SocketType1, Protocol1, MinimumAddressLength1, MaximumAddressLength1, "
            "ProtocolAttributes1, ProtocolSocketDescription1 (NumSockets is 2)\n"
            "t.textproto:10:11: hosts[0].catalog.registry.keys[0].keys[0].values[0]: "
            "ProviderFilename must be a REG_SZ (sz), not a REG_DWORD (dword)\n"
            "t.textproto:12:11: hosts[0].catalog.registry.keys[0].keys[0].values[2]: SocketType0 "
            "must be a REG_DWORD (dword), not a REG_SZ (sz)");
}

TEST(LoadScenarioCatalog, RegistryStructure) {
  const std::string text = absl::StrCat(kCatalogHead, R"(    registry {
      name: "Winsock2"
      keys { name: "a\\b" }
      keys { name: "Private" }
      keys { name: "PRIVATE" values { name: "v" } values { } }
    }
  }
}
)");
  EXPECT_EQ(ErrorsOf(text),
            "t.textproto:6:7: hosts[0].catalog.registry.name: the registry root is the "
            "Winsock2 key and has no name here\n"
            "t.textproto:7:14: hosts[0].catalog.registry.keys[0].name: 'a\\\\b': key names "
            "cannot contain '\\' (nest keys instead)\n"
            "t.textproto:9:14: hosts[0].catalog.registry.keys[2].name: duplicate key name "
            "'PRIVATE' (names ignore case; first defined at 8:14)\n"
            "t.textproto:9:30: hosts[0].catalog.registry.keys[2].values[0]: no data (write "
            "one of sz, dword, expand_sz, multi_sz, binary, qword)\n"
            "t.textproto:9:51: hosts[0].catalog.registry.keys[2].values[1].name: missing "
            "(every registry value needs a name)\n"
            "t.textproto:9:51: hosts[0].catalog.registry.keys[2].values[1]: no data (write "
            "one of sz, dword, expand_sz, multi_sz, binary, qword)");
}

TEST(LoadScenarioCatalog, ExpectMalformedSkipsTheWinsockRulesButNotTheStructure) {
  const std::string malformed =
      absl::StrCat(kCatalogHead, "    expect_malformed: true\n",
                   NovlwpRegistry("novlwp-with-a-name-longer-than-32-characters",
                                  "          values { name: \"SocketType7\" dword: 2 }\n"),
                   "  }\n}\n");
  LoadOk(malformed);
  const std::string broken = absl::StrCat(
      kCatalogHead, "    expect_malformed: true\n",
      NovlwpRegistry("novlwp", "          values { name: \"SocketType0\" dword: 2 }\n"),
      "  }\n}\n");
  EXPECT_EQ(ErrorsOf(broken),
            "t.textproto:23:20: hosts[0].catalog.registry.keys[0].keys[0].values[12].name: "
            "duplicate value name 'SocketType0' (names ignore case; first defined at 16:20)");
}

TEST(LoadScenarioCatalog, IniWinsockRules) {
  const std::string text = absl::StrCat(kCatalogHead, R"(    ini {
      sections { name: "Providers"
        entries { key: "NumProviders" value: "3" }
        entries { key: "ProviderKey0" value: '"novlwp"' }
        entries { key: "ProviderKey2" value: '"a-provider-key-much-longer-than-32"' }
        entries { key: "ProviderKey3" value: '"x"' }
      }
      sections { name: "provider-NOVLWP"
        entries { key: "ProviderFilename" value: '"novlwp.WSP"' }
        entries { key: "ProviderDescription" value: '"d"' }
        entries { key: "ProviderDomain" value: "two" }
        entries { key: "ProviderAddrLength" value: "16" }
        entries { key: "NumSockets" value: "0" }
        entries { key: "SocketDescription1" value: '"garbled, as in S1"' }
      }
      sections { name: "Provider-novlwp" }
    }
  }
}
)");
  EXPECT_EQ(ErrorsOf(text),
            "t.textproto:6:7: hosts[0].catalog.ini.sections[0]: [Providers] has no "
            "ProviderKey1 (NumProviders is 3)\n"
            "t.textproto:9:39: hosts[0].catalog.ini.sections[0].entries[2].value: provider "
            "key 'a-provider-key-much-longer-than-32' has 34 characters; the limit is 32 "
            "(SPEC 1.6.2; set expect_malformed to test it)\n"
            "t.textproto:9:39: hosts[0].catalog.ini.sections[0].entries[2].value: provider "
            "key 'a-provider-key-much-longer-than-32' has no "
            "[Provider-a-provider-key-much-longer-than-32] section\n"
            "t.textproto:10:19: hosts[0].catalog.ini.sections[0].entries[3].key: "
            "ProviderKey3 is beyond NumProviders (3)\n"
            "t.textproto:15:41: hosts[0].catalog.ini.sections[1].entries[2].value: 'two' is "
            "not a number (ProviderDomain is a DWORD: write decimal or 0x hex)\n"
            "t.textproto:20:18: hosts[0].catalog.ini.sections[2].name: duplicate section "
            "[Provider-novlwp] (names ignore case; first defined at 12:18)");
}

TEST(LoadScenarioCatalog, AnIniNeedsAProvidersSection) {
  EXPECT_EQ(ErrorsOf(absl::StrCat(kCatalogHead,
                                  R"(    ini { sections { name: "Other" entries { key: "k" } } }
  }
}
)")),
            "t.textproto:5:5: hosts[0].catalog.ini: WINSOCK2.INI has no [Providers] section "
            "(set expect_malformed to test that)\n"
            "t.textproto:5:36: hosts[0].catalog.ini.sections[0].entries[0].value: missing "
            "(write value: \"\" for an empty value)");
}

// ---- scale

TEST(LoadScenarioScale, ThousandsOfHostsAndEndpointsInListSyntax) {
  constexpr int kHosts = 3000;
  std::string text = "name: \"big\"\nhosts: [\n";
  for (int i = 0; i < kHosts; ++i) {
    absl::StrAppend(&text, i ? ",\n" : "", "  { name: \"h", i,
                    "\" interfaces { name: \"e\" addresses: \"10.", i / 250, ".", i % 250 + 1,
                    ".1/16\" } }");
  }
  absl::StrAppend(&text, "\n]\nlinks { name: \"lan\" kind: segment endpoints: [");
  for (int i = 0; i < kHosts; ++i) absl::StrAppend(&text, i ? ", " : "", "\"h", i, ".e\"");
  absl::StrAppend(&text, "] }\n");
  const Scenario s = LoadOk(text);
  EXPECT_EQ(s.hosts().size(), static_cast<size_t>(kHosts));
  EXPECT_EQ(s.links()[0].endpoints.size(), static_cast<size_t>(kHosts));
  // The same with every endpoint wrong: each error is placed at its own value.
  for (size_t p = text.find(".e\""); p != std::string::npos; p = text.find(".e\"", p + 1)) {
    text[p + 1] = 'x';
  }
  const std::string errors = ErrorsOf(text);
  EXPECT_THAT(errors, HasSubstr("t.textproto:3004:47: links[0].endpoints[0]: host 'h0' has no "
                                "interface 'x'\n"
                                "t.textproto:3004:55: links[0].endpoints[1]: host 'h1' has no "
                                "interface 'x'\n"));
  EXPECT_THAT(errors, HasSubstr("t.textproto: ... and 2900 more errors"));
}

}  // namespace
}  // namespace ws2sim::scenarios
