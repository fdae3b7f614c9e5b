// Error families. Every error carries enough context to act on: a config or catalog mistake
// names file:line:col and what was expected; a bad API response names the operation and field.
// main() maps the families to exit codes (see exit_codes.h); nothing deep inside calls exit().
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

namespace sluice {

// A file's name as locations hold it: the readers share one copy per file read, so the
// thousands of locations a config keeps (one per flow, step and template value) cost a pointer
// each, not a string each. Reads as the name it holds.
class SourceFile {
 public:
  SourceFile() = default;
  SourceFile(const std::string& name) : name_(std::make_shared<const std::string>(name)) {}
  SourceFile(const char* name) : SourceFile(std::string(name)) {}

  const std::string& str() const;
  operator const std::string&() const { return str(); }
  bool empty() const { return str().empty(); }
  bool operator==(const SourceFile& other) const { return str() == other.str(); }
  bool operator<(const SourceFile& other) const { return str() < other.str(); }

 private:
  std::shared_ptr<const std::string> name_;
};

// Where in a source file something was found. line and column are 1-based; 0 = unknown.
struct SourceLocation {
  SourceFile file;
  int line = 0;
  int column = 0;

  // "file:line:col", or as much of it as is known.
  std::string str() const;
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What may work when tried again later: a token endpoint that answered 429 or 5xx. Not a
// refusal of the credentials, which would stop the connection.
class TransientError : public Error {
 public:
  using Error::Error;
};

// A mistake in a user's file or the catalog, with its location.
class LocatedError : public Error {
 public:
  LocatedError(SourceLocation where, const std::string& message);
  const SourceLocation& where() const { return where_; }
  // The message without the location prefix.
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

class ConfigError : public LocatedError {
 public:
  using LocatedError::LocatedError;
};

class CatalogError : public LocatedError {
 public:
  using LocatedError::LocatedError;
};

// The state store could not do what was asked (locked, full, corrupt, newer schema).
class StateError : public Error {
 public:
  using Error::Error;
};

// Wrong use of the command line.
class UsageError : public Error {
 public:
  using Error::Error;
};

// An API answered with something we cannot use; names the operation and the field.
class ResponseError : public Error {
 public:
  ResponseError(const std::string& operation, const std::string& field, const std::string& what);
  const std::string& operation() const { return operation_; }
  const std::string& field() const { return field_; }

 private:
  std::string operation_;
  std::string field_;
};

// A template could not be compiled or rendered.
class TemplateError : public Error {
 public:
  using Error::Error;
};

}  // namespace sluice
