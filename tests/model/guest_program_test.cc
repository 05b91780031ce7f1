// Guest programs: separate globals per instance, captured console output, exit codes
// (model/guest_program.h; issue "The first whole path", guest programs).
#include "model/guest_program.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace ws2sim::model {
namespace {

const std::string kHello = std::string(WS2SIM_GUESTS_DIR) + "/hello_guest.so";

struct Captured {
  std::vector<std::pair<int, std::string>> chunks;
  std::string Stream(int stream) const {
    std::string all;
    for (const auto& [s, bytes] : chunks) {
      if (s == stream) all += bytes;
    }
    return all;
  }
};

void Capture(void* context, int stream, absl::string_view bytes) {
  static_cast<Captured*>(context)->chunks.emplace_back(stream, std::string(bytes));
}

class GuestProgramTest : public testing::Test {
 protected:
  void SetUp() override { SetGuestOutputSink(&Capture, &out_); }
  void TearDown() override { SetGuestOutputSink(nullptr, nullptr); }
  Captured out_;
};

TEST_F(GuestProgramTest, MainRunsWithArgumentsAndItsOutputIsCaptured) {
  absl::StatusOr<GuestProgram> program = GuestProgram::Open(kHello);
  ASSERT_TRUE(program.ok()) << program.status();
  absl::StatusOr<std::unique_ptr<GuestInstance>> instance = program->Instantiate();
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_EQ((*instance)->RunMain("hello", {"alice"}), 3);
  EXPECT_EQ(out_.Stream(1), "hello from alice (call 1)\na line by puts\nfputs\n!\n");
  EXPECT_EQ(out_.Stream(2), "to stderr 2\n");
}

TEST_F(GuestProgramTest, ExitEndsOnlyThatRunWithItsCode) {
  absl::StatusOr<GuestProgram> program = GuestProgram::Open(kHello);
  ASSERT_TRUE(program.ok());
  auto instance = *program->Instantiate();
  EXPECT_EQ(instance->RunMain("hello", {"bob", "exit"}), 7);
  EXPECT_NE(out_.Stream(1).find("hello from bob"), std::string::npos);
}

TEST_F(GuestProgramTest, InstancesKeepSeparateGlobals) {
  absl::StatusOr<GuestProgram> program = GuestProgram::Open(kHello);
  ASSERT_TRUE(program.ok());
  auto a = *program->Instantiate();
  auto b = *program->Instantiate();
  a->RunMain("hello", {"a"});
  a->RunMain("hello", {"a"});
  b->RunMain("hello", {"b"});
  EXPECT_EQ(*static_cast<int*>(a->Symbol("calls")), 2);
  EXPECT_EQ(*static_cast<int*>(b->Symbol("calls")), 1);
  EXPECT_NE(a->Symbol("calls"), b->Symbol("calls"));
}

TEST_F(GuestProgramTest, MissingOrInvalidModulesAreReportedWithThePath) {
  absl::StatusOr<GuestProgram> missing = GuestProgram::Open("/nonexistent/guest.so");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/guest.so"), absl::string_view::npos);
  // This source file: a file that exists but is no module (absolute, whatever the test's cwd).
  absl::StatusOr<GuestProgram> not_elf =
      GuestProgram::Open(WS2SIM_SOURCE_DIR "/tests/model/guest_program_test.cc");
  ASSERT_FALSE(not_elf.ok());
  EXPECT_EQ(not_elf.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ws2sim::model
