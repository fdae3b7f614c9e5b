#include "core/file_text.h"

#include <fstream>
#include <sstream>

namespace sluice {

std::optional<std::string> readFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0 && in) {
    std::string text(static_cast<size_t>(size), '\0');
    if (in.read(text.data(), size) && in.gcount() == size && in.peek() == EOF) return text;
    in.clear();
    in.seekg(0, std::ios::beg);
  }
  in.clear();
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::optional<std::string> readSecretFileText(const std::string& path) {
  auto text = readFileText(path);
  if (!text) return std::nullopt;
  const size_t end = text->find_last_not_of(" \t\r\n\f\v");
  text->erase(end == std::string::npos ? 0 : end + 1);
  return text;
}

}  // namespace sluice
