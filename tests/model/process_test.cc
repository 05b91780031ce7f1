// Simulated processes: guest main on a fiber, per-process output, exit codes (model/process.h).
#include "model/process.h"

#include <sstream>

#include "gtest/gtest.h"

namespace ws2sim::model {
namespace {

const std::string kHello = std::string(WS2SIM_GUESTS_DIR) + "/hello_guest.so";

TEST(Process, GuestsRunAsProcessesWithPrefixedOutputAndExitCodes) {
  absl::StatusOr<GuestProgram> program = GuestProgram::Open(kHello);
  ASSERT_TRUE(program.ok()) << program.status();
  sim::Scheduler s({});
  std::ostringstream echo;
  ProcessTable table(s, &echo);
  Process* a = *table.Start({.host = "client", .name = "hello", .program = "hello_guest",
                             .args = {"a"}}, *program);
  Process* b = *table.Start({.host = "server", .name = "hello", .program = "hello_guest",
                             .args = {"b", "exit"}, .start_at = sim::Duration::Milliseconds(1)},
                            *program);
  EXPECT_NE(a->pid(), b->pid());
  EXPECT_TRUE(s.Run().ok());
  EXPECT_EQ(a->exit_code(), 3);
  EXPECT_EQ(b->exit_code(), 7);
  EXPECT_EQ(a->output(), "hello from a (call 1)\na line by puts\nto stderr 2\nfputs\n!\n");
  EXPECT_EQ(echo.str(),
            "client/hello: hello from a (call 1)\n"
            "client/hello: a line by puts\n"
            "client/hello! to stderr 2\n"
            "client/hello: fputs\n"
            "client/hello: !\n"
            "server/hello: hello from b (call 1)\n"
            "server/hello: a line by puts\n"
            "server/hello! to stderr 3\n"
            "server/hello: fputs\n"
            "server/hello: !\n");
  EXPECT_EQ(table.All().size(), 2u);
  EXPECT_EQ(table.Find(b->pid()), b);
}

}  // namespace
}  // namespace ws2sim::model
