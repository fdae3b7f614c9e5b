// The body of an HTTP/1.1 response, framed as its headers say (Content-Length, chunked, until
// the connection closes, or none), within a size cap that applies after gzip inflation.
// Framed here instead of through Poco's HTTP stream classes: in Poco 1.11 those end a
// fixed-length or chunked body silently when the peer closes early, and a short body must be
// an error, not half a page of records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ios>
#include <optional>
#include <string>

namespace sluice {

// Raw bytes of one connection, after the response headers.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `length` bytes; 0 at end of stream. Throws on socket errors.
  virtual int readSome(char* buffer, std::streamsize length) = 0;
  // One byte, or EOF. A 0xFF byte also reads as EOF: only used for ASCII framing lines.
  virtual int nextByte() = 0;
};

// What the response's status and headers say about its body.
struct BodyFraming {
  bool none = false;  // HEAD, 1xx, 204, 304: nothing follows the headers
  std::optional<std::string> transferEncoding;
  std::optional<int64_t> contentLength;
  std::string contentEncoding;
};

struct FramedBody {
  std::string body;
  bool inflated = false;    // it was gzip and is returned inflated
  bool untilClose = false;  // it ran until the server closed: the connection cannot be reused
};

// Reads the body from source. `what` names the request in errors ("GET https://host/path").
// Throws TransportError: truncated (retryable), over the cap, malformed or corrupt gzip.
FramedBody readFramedBody(ByteSource& source, const BodyFraming& framing, std::size_t cap,
                          const std::string& what);

// The last comma-separated token of a header value, lower-cased ("gzip, chunked" -> "chunked").
std::string lastToken(const std::string& value);

}  // namespace sluice
