// The first whole path: unmodified Winsock guests (scenarios/programs/echo_*.c) on two hosts,
// through the DLL model and the tcpip provider, over a virtual link (issue "The first whole path").
#include <sstream>

#include "gtest/gtest.h"
#include "scenarios/world.h"

namespace ws2sim::scenarios {
namespace {

struct EchoRun {
  sim::RunResult result;
  int server_exit = -1;
  int client_exit = -1;
  std::string output;
};

EchoRun RunEcho(uint64_t seed, const sim::net::LinkParams& params, int bytes, int clients = 1) {
  std::ostringstream echo;
  World world({.seed = seed, .echo = &echo});
  EXPECT_TRUE(world.AddHost("server").ok());
  EXPECT_TRUE(world.AddHost("client").ok());
  EXPECT_TRUE(world.network()
                  .AddLink({.name = "wire",
                            .a = {.host = "server", .interface = "eth0", .addresses = {"10.0.0.1/24"}},
                            .b = {.host = "client", .interface = "eth0", .addresses = {"10.0.0.2/24"}},
                            .params = params})
                  .ok());
  absl::StatusOr<model::Process*> server =
      world.StartProgram("server", "echo_server", "echo_server", {"27015", std::to_string(clients)});
  EXPECT_TRUE(server.ok()) << server.status();
  std::vector<model::Process*> client_processes;
  for (int i = 0; i < clients; ++i) {
    absl::StatusOr<model::Process*> client = world.StartProgram(
        "client", "echo_client" + std::to_string(i), "echo_client",
        {"server", "27015", std::to_string(bytes)}, sim::Duration::Milliseconds(1 + i));
    EXPECT_TRUE(client.ok()) << client.status();
    client_processes.push_back(*client);
  }
  EchoRun run;
  run.result = world.Run();
  run.server_exit = (*server)->exit_code().value_or(-1);
  run.client_exit = client_processes[0]->exit_code().value_or(-1);
  for (model::Process* p : client_processes) {
    if (p->exit_code().value_or(-1) != 0) run.client_exit = p->exit_code().value_or(-1);
  }
  run.output = echo.str();
  return run;
}

TEST(Echo, ClientAndServerEchoOverACleanLink) {
  EchoRun run = RunEcho(1, {.delay_ns = 1000000}, 10000);
  EXPECT_TRUE(run.result.ok()) << run.result.message;
  EXPECT_EQ(run.server_exit, 0) << run.output;
  EXPECT_EQ(run.client_exit, 0) << run.output;
  EXPECT_NE(run.output.find("client/echo_client0: echo verified"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("server/echo_server: echoed 10000 bytes"), std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace ws2sim::scenarios
