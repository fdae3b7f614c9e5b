#include "tools/sluice/man_page.h"

#include <sstream>
#include <vector>

#include "core/install_paths.h"
#include "tools/sluice/command_table.h"

namespace sluice::cli {

std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

namespace {

void writeFlag(std::ostream& out, const FlagSpec& flag) {
  out << ".TP\n";
  if (flag.shortName) out << "\\fB\\-" << flag.shortName << "\\fR, ";
  out << "\\fB" << roff("--" + flag.name) << "\\fR";
  if (flag.takesValue) out << " \\fI" << roff(flag.value) << "\\fR";
  out << "\n" << roff(flag.help) << (flag.repeated ? " (may be repeated)" : "") << "\n";
}

bool sameFlag(const FlagSpec& a, const FlagSpec& b) {
  return a.name == b.name && a.help == b.help && a.shortName == b.shortName && a.value == b.value &&
         a.takesValue == b.takesValue && a.repeated == b.repeated;
}

// The flags most commands share (-c, --catalog, --help): described once, under OPTIONS.
std::vector<FlagSpec> commonFlags() {
  std::vector<FlagSpec> all, common;
  size_t usages = 0;
  for (const Verb& verb : verbs())
    for (const Usage& usage : verb.usages) {
      ++usages;
      all.insert(all.end(), usage.flags.begin(), usage.flags.end());
    }
  for (const FlagSpec& flag : all) {
    size_t n = 0;
    for (const FlagSpec& other : all) n += sameFlag(flag, other);
    bool listed = false;
    for (const FlagSpec& c : common) listed = listed || sameFlag(c, flag);
    if (2 * n > usages && !listed) common.push_back(flag);
  }
  return common;
}

bool isCommon(const FlagSpec& flag, const std::vector<FlagSpec>& common) {
  for (const FlagSpec& c : common)
    if (sameFlag(c, flag)) return true;
  return false;
}

void writeCommands(std::ostream& out) {
  const std::vector<FlagSpec> common = commonFlags();
  out << ".SH OPTIONS\n"
         "Options that take a value may also be written \\fB\\-\\-name=value\\fR. "
         "Most commands take these:\n";
  for (const FlagSpec& flag : common) writeFlag(out, flag);
  out << ".SH COMMANDS\n";
  for (const Verb& verb : verbs())
    for (const Usage& usage : verb.usages) {
      out << ".SS \"sluice " << roff(usage.synopsis) << "\"\n"
          << roff(summarySentence(usage)) << "\n";
      std::string shared;
      for (const FlagSpec& flag : usage.flags)
        if (isCommon(flag, common))
          shared +=
              (shared.empty() ? "" : ", ") + std::string("\\fB") + roff("--" + flag.name) + "\\fR";
      if (!shared.empty()) out << ".br\nCommon options: " << shared << ".\n";
      for (const FlagSpec& flag : usage.flags)
        if (!isCommon(flag, common)) writeFlag(out, flag);
    }
}

void writeEntry(std::ostream& out, const std::string& term, const std::string& text) {
  out << ".TP\n" << term << "\n" << roff(text) << "\n";
}

void writeFiles(std::ostream& out) {
  out << ".SH FILES\n";
  const std::string config = install_paths::configDir(), examples = install_paths::examplesDir();
  writeEntry(out, "\\fI" + roff(config + "/sluice.yaml") + "\\fR",
             "the file the systemd unit sluice.service runs (sluice run -c); start from " +
                 examples + "/sluice.yaml");
  writeEntry(out, "\\fI" + roff(config + "/env") + "\\fR",
             "the service's secrets as VAR=value lines, read by the unit (optional)");
  writeEntry(out, "\\fI/var/lib/sluice\\fR",
             "the service's state (its home and StateDirectory): sqlite:/var/lib/sluice/sluice.db");
  writeEntry(out, "\\fI" + roff(install_paths::catalog()) + "\\fR",
             "the catalog: one folder per app with its operations as YAML");
  writeEntry(out, "\\fI" + roff(examples) + "\\fR", "commented flow files");
  writeEntry(out, "\\fI" + roff(install_paths::docDir()) + "\\fR",
             "README.md (the whole manual), the catalog's README.md and SCHEMA.md");
}

void writeTail(std::ostream& out) {
  out << ".SH ENVIRONMENT\n";
  writeEntry(out, "\\fBSLUICE_CATALOG\\fR",
             "the catalog folder; without it sluice reads ./apps when that holds a catalog, "
             "else the installed catalog");
  writeEntry(out, "\\fBSLUICE_SPECS\\fR",
             "the vendors' OpenAPI specs for sluice catalog check (not installed; without them "
             "it checks the schema only)");
  writeEntry(out, "\\fBSLUICE_PG_PASSWORD\\fR, \\fBPGPASSWORD\\fR",
             "the PostgreSQL password when the state URL has no password_file");
  out << ".SH SIGNALS\n";
  writeEntry(out, "\\fBSIGTERM\\fR, \\fBSIGINT\\fR",
             "sluice run stops after the work in flight; nothing is lost if it is killed");
  writeEntry(out, "\\fBSIGHUP\\fR", "sluice run reloads its file and keeps the cursors");
  out << ".SH EXIT STATUS\n";
  writeEntry(out, "0", "ok");
  writeEntry(out, "1", "a check found problems");
  writeEntry(out, "64", "bad command line");
  writeEntry(out, "69", "an API or the state store unavailable");
  writeEntry(out, "70", "internal error");
  writeEntry(out, "78", "a config or catalog error");
  out << ".SH SEE ALSO\n"
      << ".BR systemctl (1),\n"
      << "\\fI" << roff(std::string(install_paths::docDir()) + "/README.md") << "\\fR\n";
}

}  // namespace

std::string manPage() {
  std::ostringstream out;
  out << ".\\\" Generated by `sluice help --man` from the command table; do not edit.\n"
      << ".TH SLUICE 1 \"\" \"sluice " << SLUICE_VERSION << "\" \"User Commands\"\n"
      << ".SH NAME\nsluice \\- polling trigger and connector runtime\n"
      << ".SH SYNOPSIS\n.B sluice\n.I VERB\n.RI [ options ]\n.br\n"
      << ".B sluice \\-\\-help\n.br\n.B sluice \\-\\-version\n"
      << ".SH DESCRIPTION\n"
      << "sluice polls each flow's trigger every 1 to 15 minutes, dedupes what it finds "
         "against durable cursors, and delivers every new item to the flow's actions exactly "
         "once. Connections and flows are one YAML file; the operations sluice knows are its "
         "catalog, data in YAML. State is an SQLite file, or a PostgreSQL database shared by "
         "several processes.\n";
  writeCommands(out);
  writeFiles(out);
  writeTail(out);
  return out.str();
}

}  // namespace sluice::cli
