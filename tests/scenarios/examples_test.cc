// Every bundled scenario in scenarios/examples/ loads cleanly.
#include <dirent.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "scenarios/scenario_loader.h"

namespace ws2sim::scenarios {
namespace {

std::string Example(const std::string& name) {
  return std::string(WS2SIM_EXAMPLES_DIR) + "/" + name;
}

Scenario LoadExample(const std::string& name) {
  absl::StatusOr<Scenario> s = LoadScenarioFile(Example(name));
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : Scenario();
}

TEST(BundledExamples, EveryExampleLoads) {
  DIR* dir = opendir(WS2SIM_EXAMPLES_DIR);
  ASSERT_NE(dir, nullptr);
  int count = 0;
  while (const dirent* e = readdir(dir)) {
    const std::string name = e->d_name;
    if (name.size() < 10 || name.substr(name.size() - 10) != ".textproto") continue;
    ++count;
    absl::StatusOr<Scenario> s = LoadScenarioFile(Example(name));
    EXPECT_TRUE(s.ok()) << name << ": " << s.status();
  }
  closedir(dir);
  EXPECT_GE(count, 4);
}

TEST(BundledExamples, EchoCleanIsTwoHostsOnACleanLink) {
  const Scenario s = LoadExample("echo_clean.textproto");
  ASSERT_EQ(s.hosts().size(), 2u);
  ASSERT_EQ(s.links().size(), 1u);
  EXPECT_EQ(s.links()[0].kind, pb::Link::point_to_point);
  EXPECT_EQ(s.links()[0].forward.loss, 0);
  EXPECT_FALSE(s.links()[0].forward.gilbert_elliott.has_value());
  ASSERT_EQ(s.processes().size(), 2u);
  EXPECT_EQ(s.processes()[0].program, "echo_server");
  EXPECT_EQ(s.processes()[1].program, "echo_client");
  EXPECT_EQ(s.processes()[1].args, (std::vector<std::string>{"server", "7", "1000"}));
}

TEST(BundledExamples, EchoLossyHasFivePercentLossAndHundredMillisecondsEachWay) {
  const Scenario s = LoadExample("echo_lossy.textproto");
  for (const LinkModel* m : {&s.links()[0].forward, &s.links()[0].reverse}) {
    EXPECT_EQ(m->loss, 5);
    EXPECT_EQ(m->delay, sim::Duration::Milliseconds(100));
  }
}

TEST(BundledExamples, ClosedPortHasNoServerProcess) {
  const Scenario s = LoadExample("closed_port.textproto");
  const int server = s.FindHost("server");
  ASSERT_GE(server, 0);
  for (const ScenarioProcess& p : s.processes()) EXPECT_NE(p.host, server);
  ASSERT_EQ(s.processes().size(), 1u);
  EXPECT_EQ(s.processes()[0].expected_exit_code, 1);
}

TEST(BundledExamples, HundredClientsRunsAHundredEchoClients) {
  const Scenario s = LoadExample("hundred_clients.textproto");
  ASSERT_EQ(s.links().size(), 1u);
  EXPECT_EQ(s.links()[0].kind, pb::Link::segment);
  EXPECT_EQ(s.links()[0].endpoints.size(), s.hosts().size());
  int64_t clients = 0;
  for (const ScenarioProcess& p : s.processes()) {
    if (p.program == "echo_client") clients += p.instances;
  }
  EXPECT_EQ(clients, 100);
}

}  // namespace
}  // namespace ws2sim::scenarios
