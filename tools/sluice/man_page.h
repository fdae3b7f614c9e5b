// sluice(1) and the bash completion, generated from the command table (command_table.h), so
// that neither can list a verb or a flag the binary does not take, nor miss one it does.
// The build writes both (`sluice help --man`, `sluice help --bash-completion`) and installs them.
#pragma once

#include <string>

namespace sluice::cli {

// The man page, in groff man(7) source.
std::string manPage();
// A bash completion script for sluice: verbs, sub-verbs, flags, and their values.
std::string bashCompletion();
// Text as groff reads it literally: backslashes and dashes escaped ("\-\-config"), and no line
// starting a request.
std::string roff(const std::string& text);

}  // namespace sluice::cli
