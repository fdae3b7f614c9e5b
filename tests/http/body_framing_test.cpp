// http/body_framing.cpp: every way a response frames its body, and every way that framing can
// be short, malformed, over the cap or corrupt, read from an in-memory connection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "core/http.h"
#include "http/body_framing.h"
#include "test_support.h"

namespace sluice {
namespace body_framing_test {

using ::testing::HasSubstr;

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string bytes) : bytes_(std::move(bytes)) {}
  int readSome(char* buffer, std::streamsize length) override {
    const size_t n = std::min(static_cast<size_t>(length), bytes_.size() - at_);
    std::copy_n(bytes_.data() + at_, n, buffer);
    at_ += n;
    return static_cast<int>(n);
  }
  int nextByte() override {
    if (at_ == bytes_.size()) return std::char_traits<char>::eof();
    return static_cast<unsigned char>(bytes_[at_++]);
  }

 private:
  std::string bytes_;
  size_t at_ = 0;
};

using test::gzip;

BodyFraming contentLength(int64_t n) {
  BodyFraming f;
  f.contentLength = n;
  return f;
}

BodyFraming chunked() {
  BodyFraming f;
  f.transferEncoding = "gzip, chunked";
  return f;
}

FramedBody read(const std::string& bytes, const BodyFraming& framing, size_t cap = 1024) {
  StringSource source(bytes);
  return readFramedBody(source, framing, cap, "GET https://api.test/x");
}

// The TransportError a read throws, or a failure when it does not.
TransportError failure(const std::string& bytes, const BodyFraming& framing, size_t cap = 1024) {
  try {
    read(bytes, framing, cap);
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("GET https://api.test/x"));
    return e;
  }
  ADD_FAILURE() << "read did not fail";
  return TransportError("", false);
}

TEST(BodyFraming, ContentLengthReadsExactlyThatManyBytes) {
  const FramedBody body = read("hello, and more", contentLength(5));
  EXPECT_EQ(body.body, "hello");
  EXPECT_FALSE(body.untilClose);
  const TransportError shortBody = failure("hel", contentLength(5));
  EXPECT_TRUE(shortBody.retryable());
  EXPECT_THAT(shortBody.what(), HasSubstr("truncated (Content-Length"));
  EXPECT_FALSE(failure("", contentLength(-1)).retryable());
}

TEST(BodyFraming, ChunkedWithExtensionsAndTrailers) {
  const FramedBody body =
      read("5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n", chunked());
  EXPECT_EQ(body.body, "hello, world");
  EXPECT_EQ(read("3\nabc\n0\n\n", chunked()).body, "abc");  // bare LF lines are read too
}

TEST(BodyFraming, ChunkedThatEndsEarlyOrIsMalformedFails) {
  EXPECT_TRUE(failure("5\r\nhel", chunked()).retryable());
  EXPECT_TRUE(failure("5\r\nhello\r\n", chunked()).retryable());  // no last chunk
  EXPECT_THAT(failure("zz\r\nhello\r\n0\r\n\r\n", chunked()).what(),
              HasSubstr("invalid chunk size"));
  EXPECT_THAT(failure("\r\n", chunked()).what(), HasSubstr("missing chunk size"));
  EXPECT_THAT(failure("5\r\nhelloXX0\r\n\r\n", chunked()).what(),
              HasSubstr("chunk not followed by CRLF"));
  EXPECT_THAT(failure(std::string(9000, '1'), chunked()).what(), HasSubstr("chunk line too long"));
}

TEST(BodyFraming, WithoutLengthTheBodyRunsUntilClose) {
  const FramedBody body = read("all of it", BodyFraming{});
  EXPECT_EQ(body.body, "all of it");
  EXPECT_TRUE(body.untilClose);
  BodyFraming identity;
  identity.transferEncoding = "identity";
  EXPECT_TRUE(read("x", identity).untilClose);
}

TEST(BodyFraming, NoBodyReadsNothing) {
  BodyFraming none = contentLength(5);
  none.none = true;
  EXPECT_EQ(read("hello", none).body, "");
}

TEST(BodyFraming, TheCapHoldsForEveryFraming) {
  EXPECT_THAT(failure("hello", contentLength(5), 4).what(), HasSubstr("over 4 bytes"));
  EXPECT_FALSE(failure("5\r\nhello\r\n0\r\n\r\n", chunked(), 4).retryable());
  EXPECT_THAT(failure("hello", BodyFraming{}, 4).what(), HasSubstr("over 4 bytes"));
  EXPECT_THAT(failure("ffffffffffffffffff\r\n", chunked()).what(), HasSubstr("over"));
}

TEST(BodyFraming, GzipIsInflatedWithinTheCap) {
  const std::string packed = gzip("hello, gzip");
  BodyFraming framing = contentLength(static_cast<int64_t>(packed.size()));
  framing.contentEncoding = "gzip";
  const FramedBody body = read(packed, framing);
  EXPECT_EQ(body.body, "hello, gzip");
  EXPECT_TRUE(body.inflated);

  // A small body that inflates past the cap stops at the cap.
  const std::string bomb = gzip(std::string(100000, 'a'));
  BodyFraming bombFraming = contentLength(static_cast<int64_t>(bomb.size()));
  bombFraming.contentEncoding = "gzip";
  EXPECT_THAT(failure(bomb, bombFraming, 1000).what(), HasSubstr("over 1000 bytes"));

  const std::string corrupt = packed.substr(0, 12) + "garbage-garbage";
  BodyFraming corruptFraming = contentLength(static_cast<int64_t>(corrupt.size()));
  corruptFraming.contentEncoding = "gzip";
  EXPECT_THAT(failure(corrupt, corruptFraming).what(), HasSubstr("gzip body is corrupt"));
}

TEST(BodyFraming, LastTokenOfAHeaderValue) {
  EXPECT_EQ(lastToken("gzip, Chunked "), "chunked");
  EXPECT_EQ(lastToken("GZIP"), "gzip");
  EXPECT_EQ(lastToken(""), "");
}

}  // namespace body_framing_test
}  // namespace sluice
