// The man page and the bash completion the build writes (build/generated/, installed by the
// package) against the command table the binary parses with: every verb, sub-verb and flag is
// in both, so neither can drift from what `sluice` takes. And every usage's --help shows its
// synopsis and flags, so the table is what the verbs use.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/man_page.h"

namespace sluice {
namespace man_page_test {

using ::testing::HasSubstr;

std::string generated(const std::string& name) {
  return test::readFile(std::string(SLUICE_GENERATED_DIR) + "/" + name);
}

// Runs a shell command line and returns what it printed (stdout and stderr).
std::string shell(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen((command + " 2>&1").c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    pclose(pipe);
  }
  return out;
}

std::string words(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& w : list) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::set<std::string> split(const std::string& text) {
  std::istringstream in(text);
  std::set<std::string> out;
  for (std::string w; in >> w;) out.insert(w);
  return out;
}

// What `sluice VERB [SUB] --flag` is, for messages.
std::string where(const cli::Verb& verb, const cli::Usage& usage) {
  return "sluice " + verb.name + (usage.name.empty() ? "" : " " + usage.name);
}

// The man page's section of one usage: from its .SS line to the next section.
std::string section(const std::string& man, const cli::Usage& usage) {
  const std::string header = ".SS \"sluice " + cli::roff(usage.synopsis) + "\"\n";
  const size_t from = man.find(header);
  if (from == std::string::npos) return "";
  const size_t to = man.find("\n.S", from + header.size());
  return man.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

TEST(ManPageTest, TheBuiltPageIsTheTablesPage) {
  EXPECT_EQ(generated("sluice.1"), cli::manPage());
  EXPECT_EQ(generated("sluice.bash-completion"), cli::bashCompletion());
}

// Whether text has the flag's own entry: ".TP", then "-c, --config" in bold.
bool describes(const std::string& text, const cli::FlagSpec& flag) {
  std::string entry = ".TP\n";
  if (flag.shortName) entry += std::string("\\fB\\-") + flag.shortName + "\\fR, ";
  return text.find(entry + "\\fB" + cli::roff("--" + flag.name) + "\\fR") != std::string::npos;
}

TEST(ManPageTest, EveryUsageHasASectionDescribingEachOfItsFlags) {
  const std::string man = generated("sluice.1");
  const std::string options = man.substr(0, man.find(".SH COMMANDS"));
  size_t usages = 0;
  for (const auto& verb : cli::verbs())
    for (const auto& usage : verb.usages) {
      ++usages;
      const std::string text = section(man, usage);
      ASSERT_FALSE(text.empty()) << "no section for " << where(verb, usage);
      const size_t common = text.find("\nCommon options: ");
      const std::string commonLine =
          common == std::string::npos ? ""
                                      : text.substr(common, text.find('\n', common + 1) - common);
      for (const auto& flag : usage.flags) {
        // Its own entry, or named as a common option and described under OPTIONS.
        const bool isCommon =
            commonLine.find("\\fB" + cli::roff("--" + flag.name) + "\\fR") != std::string::npos;
        EXPECT_TRUE(describes(isCommon ? options : text, flag))
            << where(verb, usage) << " --" << flag.name << (isCommon ? " (common)" : "");
      }
    }
  EXPECT_GE(usages, 14u);
  EXPECT_THAT(man, HasSubstr(".TH SLUICE 1"));
}

TEST(ManPageTest, GroffReadsItWithoutWarnings) {
  if (shell("command -v groff").empty()) GTEST_SKIP() << "no groff (apt-get install groff-base)";
  const std::string path = std::string(SLUICE_GENERATED_DIR) + "/sluice.1";
  EXPECT_EQ(shell("groff -man -Tutf8 -ww -z " + path), "");
}

// Completes each line (the words before the cursor, the last one being completed) in one
// bash, and returns the candidates offered for each.
std::vector<std::set<std::string>> complete(const std::vector<std::vector<std::string>>& lines) {
  test::TempDir dir;
  std::string script = "source '" + std::string(SLUICE_GENERATED_DIR) +
                       "/sluice.bash-completion'\n"
                       "q() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _sluice;"
                       " echo \"= ${COMPREPLY[*]}\"; }\n";
  for (const auto& line : lines) {
    script += "q";
    for (const auto& w : line) script += " '" + w + "'";
    script += "\n";
  }
  std::istringstream out(shell("bash --norc --noprofile " + dir.write("complete.sh", script)));
  std::vector<std::set<std::string>> replies;
  for (std::string line; std::getline(out, line);)
    if (line.rfind("= ", 0) == 0 || line == "=") replies.push_back(split(line.substr(1)));
  return replies;
}

TEST(BashCompletionTest, CompletesEveryVerbSubVerbFlagAndChoice) {
  std::vector<std::vector<std::string>> lines = {{"sluice", ""}};
  std::vector<std::set<std::string>> expected = {{"--help", "--version"}};
  for (const auto& verb : cli::verbs()) {
    expected[0].insert(verb.name);
    if (!verb.usages[0].name.empty()) {
      std::set<std::string> subs = {"--help"};
      for (const auto& usage : verb.usages) subs.insert(usage.name);
      lines.push_back({"sluice", verb.name, ""});
      expected.push_back(subs);
    }
    for (const auto& usage : verb.usages) {
      std::vector<std::string> before = {"sluice", verb.name};
      if (!usage.name.empty()) before.push_back(usage.name);
      std::set<std::string> flags;
      for (const auto& flag : usage.flags) {
        flags.insert("--" + flag.name);
        if (flag.shortName) flags.insert(std::string("-") + flag.shortName);
        if (flag.value.find('|') == std::string::npos) continue;
        std::vector<std::string> choice = before;
        choice.insert(choice.end(), {"--" + flag.name, ""});
        lines.push_back(choice);
        std::string choices = flag.value;
        for (char& c : choices) c = c == '|' ? ' ' : c;
        expected.push_back(split(choices));
      }
      before.push_back("-");
      lines.push_back(before);
      expected.push_back(flags);
    }
  }
  const auto replies = complete(lines);
  ASSERT_EQ(replies.size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i)
    EXPECT_EQ(replies[i], expected[i]) << "completing '" << words(lines[i]) << "'";
}

TEST(CommandTableTest, EveryUsageHelpListsItsFlags) {
  for (const auto& verb : cli::verbs())
    for (const auto& usage : verb.usages) {
      std::vector<std::string> args = {verb.name};
      if (!usage.name.empty()) args.push_back(usage.name);
      args.push_back("--help");
      const test::CommandResult r = test::runSluice(args);
      EXPECT_EQ(r.exitCode, 0) << where(verb, usage) << ": " << r.err;
      // The synopsis the man page shows, not one written again by the verb.
      EXPECT_THAT(r.out, ::testing::StartsWith("usage: sluice " + usage.synopsis + "\n"))
          << where(verb, usage);
      for (const auto& flag : usage.flags)
        EXPECT_THAT(r.out, HasSubstr("--" + flag.name + (flag.takesValue ? " " + flag.value : "")))
            << where(verb, usage);
    }
}

// A verb's sub-verbs, as `sluice VERB` without one prints them: the table's synopses.
TEST(CommandTableTest, AVerbWithoutItsSubVerbListsTheirSynopses) {
  const test::CommandResult r = test::runSluice({"dlq"});
  EXPECT_EQ(r.out, "usage: sluice " + cli::findVerb("dlq")->usages[0].synopsis +
                       "\n       sluice " + cli::findVerb("dlq")->usages[1].synopsis + "\n");
  // The summary becomes a paragraph: a capital, a full stop, lines of at most 92 columns.
  const std::string help = cli::usageHelp("run");
  EXPECT_THAT(help, HasSubstr("\n\nThe scheduler: polls due triggers"));
  std::istringstream lines(help.substr(0, help.find("  -c, --config")));
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 92u) << line;
}

TEST(CommandTableTest, FlagsOfAPairNotInTheTableIsAProgrammingError) {
  EXPECT_EQ(&cli::flagsOf("dlq", "list"), &cli::findVerb("dlq")->usages[0].flags);
  EXPECT_THROW(cli::flagsOf("dlq"), std::logic_error);
  EXPECT_THROW(cli::flagsOf("nope"), std::logic_error);
}

}  // namespace man_page_test
}  // namespace sluice
