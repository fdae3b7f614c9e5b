#include "core/sealed_box.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

#include "core/error.h"
#include "core/text.h"

namespace sluice {

namespace {

constexpr char kPrefix[] = "sealed:v1:";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext newContext() {
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) throw Error("token sealing: OpenSSL could not allocate a cipher context");
  return ctx;
}

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(&s[0]);
}

}  // namespace

std::string base64Encode(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(bytes(out), bytes(in), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64Decode(const std::string& text) {
  if (text.empty()) return std::string();
  if (text.size() % 4) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(bytes(out), bytes(text), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::optional<std::string> parseSealingKey(const std::string& text) {
  const std::string t = trim(text);
  if (t.size() == 2 * SealedBox::kKeyBytes)
    if (auto key = hexDecode(t)) return key;
  if (auto key = base64Decode(t); key && key->size() == SealedBox::kKeyBytes) return key;
  return std::nullopt;
}

SealedBox::SealedBox(std::string key) : key_(std::move(key)) {
  if (key_.size() != kKeyBytes) throw Error("token sealing: the key must be 32 bytes");
}

bool SealedBox::isSealed(const std::string& value) {
  return value.rfind(kPrefix, 0) == 0;
}

std::string SealedBox::seal(const std::string& plain, const std::string& associated) const {
  std::string nonce(kNonceBytes, '\0');
  if (RAND_bytes(bytes(nonce), static_cast<int>(nonce.size())) != 1)
    throw Error("token sealing: no random bytes for the nonce");
  CipherContext ctx = newContext();
  std::string cipher(plain.size(), '\0');
  std::string tag(kTagBytes, '\0');
  int len = 0;
  const bool ok =
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(associated),
                        static_cast<int>(associated.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), plain.empty() ? nullptr : bytes(cipher), &len, bytes(plain),
                        static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), nullptr, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          bytes(tag)) == 1;
  if (!ok) throw Error("token sealing: OpenSSL failed to encrypt");
  return kPrefix + base64Encode(nonce + cipher + tag);
}

std::optional<std::string> SealedBox::open(const std::string& sealed,
                                           const std::string& associated) const {
  if (!isSealed(sealed)) return std::nullopt;
  const auto raw = base64Decode(sealed.substr(sizeof kPrefix - 1));
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return std::nullopt;
  const std::string nonce = raw->substr(0, kNonceBytes);
  const std::string cipher = raw->substr(kNonceBytes, raw->size() - kNonceBytes - kTagBytes);
  std::string tag = raw->substr(raw->size() - kTagBytes);
  CipherContext ctx = newContext();
  std::string plain(cipher.size(), '\0');
  int len = 0;
  const bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(associated),
                        static_cast<int>(associated.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), cipher.empty() ? nullptr : bytes(plain), &len, bytes(cipher),
                        static_cast<int>(cipher.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          bytes(tag)) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), nullptr, &len) == 1;
  if (!ok) return std::nullopt;
  return plain;
}

}  // namespace sluice
