#include "core/file_text.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "test_support.h"

namespace sluice::test {
namespace {

TEST(FileTextTest, AFileIsReadWholeWithOrWithoutASize) {
  TempDir dir;
  const std::string text = "state: s\n" + std::string(100000, '#') + "\n";
  EXPECT_EQ(readFileText(dir.write("a.yaml", text)), text);
  EXPECT_EQ(readFileText(dir.write("empty.yaml", "")), "");
  EXPECT_EQ(readFileText(dir.write("nul.bin", std::string("a\0b", 3))), std::string("a\0b", 3));
  // A pipe has no size: it is streamed.
  const std::string fifo = dir.path() + "/pipe.yaml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo) << text; });
  EXPECT_EQ(readFileText(fifo), text);
  writer.join();
  EXPECT_EQ(readFileText(dir.path() + "/missing.yaml"), std::nullopt);
}

TEST(FileTextTest, ASecretFileLosesTheWhiteSpaceItEndsWithOnly) {
  TempDir dir;
  EXPECT_EQ(readSecretFileText(dir.write("token", "  tok en\r\n\t \n")), "  tok en");
  EXPECT_EQ(readSecretFileText(dir.write("blank", " \n")), "");
  EXPECT_EQ(readSecretFileText(dir.path() + "/missing"), std::nullopt);
}

}  // namespace
}  // namespace sluice::test
