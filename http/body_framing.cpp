#include "http/body_framing.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "Poco/InflatingStream.h"
#include "core/http.h"
#include "core/text.h"

namespace sluice {

namespace {

constexpr std::size_t kMaxLineBytes = 8 * 1024;  // chunk-size and trailer lines

std::size_t saturatingAdd(std::size_t a, std::size_t b) {
  return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max()
                                                         : a + b;
}

TransportError overCap(const std::string& what, std::size_t cap) {
  return TransportError(what + ": response body over " + std::to_string(cap) + " bytes", false);
}

TransportError truncated(const std::string& what, const std::string& detail) {
  return TransportError(what + ": response body truncated (" + detail + ")", true);
}

TransportError malformed(const std::string& what, const std::string& detail) {
  return TransportError(what + ": malformed HTTP response: " + detail, false);
}

// Reads exactly `length` bytes, appending to `out`.
void readExactly(ByteSource& conn, std::string& out, std::size_t length, const std::string& what,
                 const char* framing) {
  const std::size_t start = out.size();
  out.resize(start + length);
  std::size_t got = 0;
  while (got < length) {
    const std::size_t want = std::min<std::size_t>(length - got, 1 << 20);
    const int n = conn.readSome(&out[start + got], static_cast<std::streamsize>(want));
    if (n <= 0) {
      out.resize(start + got);
      throw truncated(what, std::string(framing) + ": connection closed after " +
                                std::to_string(out.size()) + " bytes");
    }
    got += static_cast<std::size_t>(n);
  }
}

// One CRLF- (or LF-) terminated line without its terminator.
std::string readLine(ByteSource& conn, const std::string& what) {
  std::string line;
  for (;;) {
    const int c = conn.nextByte();
    if (c == std::char_traits<char>::eof()) {
      throw truncated(what, "chunked stream ended before its last chunk");
    }
    if (c == '\n') break;
    if (line.size() >= kMaxLineBytes) throw malformed(what, "chunk line too long");
    line.push_back(static_cast<char>(c));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void readChunked(ByteSource& conn, std::string& out, std::size_t rawCap, std::size_t cap,
                 const std::string& what) {
  for (;;) {
    const std::string line = readLine(conn, what);
    const std::string sizeText = trim(line.substr(0, line.find(';')));
    if (sizeText.empty()) throw malformed(what, "missing chunk size");
    std::size_t size = 0;
    for (char c : sizeText) {
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (foldAscii(c) >= 'a' && foldAscii(c) <= 'f') {
        digit = foldAscii(c) - 'a' + 10;
      } else {
        throw malformed(what, "invalid chunk size");
      }
      if (size > (std::numeric_limits<std::size_t>::max() >> 4)) throw overCap(what, cap);
      size = size * 16 + static_cast<std::size_t>(digit);
    }
    if (size == 0) {
      // Trailer fields up to the empty line that ends the message.
      while (!readLine(conn, what).empty()) {
      }
      return;
    }
    if (saturatingAdd(out.size(), size) > rawCap) throw overCap(what, cap);
    readExactly(conn, out, size, what, "chunked");
    if (!readLine(conn, what).empty()) throw malformed(what, "chunk not followed by CRLF");
  }
}

void readUntilClose(ByteSource& conn, std::string& out, std::size_t rawCap, std::size_t cap,
                    const std::string& what) {
  char buffer[16 * 1024];
  for (;;) {
    const int n = conn.readSome(buffer, sizeof buffer);
    if (n <= 0) return;
    if (saturatingAdd(out.size(), static_cast<std::size_t>(n)) > rawCap) throw overCap(what, cap);
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string inflateGzip(const std::string& raw, std::size_t cap, const std::string& what) {
  std::istringstream in(raw);
  Poco::InflatingInputStream inflater(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::string out;
  char buffer[16 * 1024];
  while (inflater) {
    inflater.read(buffer, sizeof buffer);
    const auto n = static_cast<std::size_t>(inflater.gcount());
    // Checked while inflating so a small "gzip bomb" never grows past the cap in memory.
    if (saturatingAdd(out.size(), n) > cap) throw overCap(what, cap);
    out.append(buffer, n);
  }
  // Poco reports zlib errors by throwing inside the stream, which the istream turns into badbit.
  if (inflater.bad()) throw malformed(what, "gzip body is corrupt");
  return out;
}

}  // namespace

// The last comma-separated token of a header value ("gzip, chunked" -> "chunked").
std::string lastToken(const std::string& value) {
  const auto comma = value.rfind(',');
  return lowerAscii(trim(comma == std::string::npos ? value : value.substr(comma + 1)));
}

FramedBody readFramedBody(ByteSource& source, const BodyFraming& framing, std::size_t cap,
                          const std::string& what) {
  const bool gzip = framing.contentEncoding == "gzip" || framing.contentEncoding == "x-gzip";
  // The cap applies after inflation; compressed data is never much larger than its inflated
  // form, so the raw read allows a small margin over the cap.
  const std::size_t rawCap = gzip ? saturatingAdd(saturatingAdd(cap, cap / 16), 64 * 1024) : cap;
  FramedBody out;
  std::string raw;
  if (framing.none) {
    // Nothing follows the headers, whatever Content-Length says.
  } else if (framing.transferEncoding) {
    if (lastToken(*framing.transferEncoding) == "chunked")
      readChunked(source, raw, rawCap, cap, what);
    else
      out.untilClose = true;  // RFC 9112: any other final coding is delimited by close
  } else if (framing.contentLength) {
    const int64_t length = *framing.contentLength;
    if (length < 0) throw malformed(what, "negative Content-Length");
    if (static_cast<std::uint64_t>(length) > rawCap) throw overCap(what, cap);
    readExactly(source, raw, static_cast<std::size_t>(length), what, "Content-Length");
  } else {
    out.untilClose = true;
  }
  if (out.untilClose) readUntilClose(source, raw, rawCap, cap, what);
  if (gzip && !raw.empty()) {
    out.body = inflateGzip(raw, cap, what);
    out.inflated = true;
  } else {
    if (raw.size() > cap) throw overCap(what, cap);
    out.body = std::move(raw);
  }
  return out;
}

}  // namespace sluice
