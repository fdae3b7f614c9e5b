// What the console shows of an item, a step result or a cursor: the JSON with its secrets
// masked. A key that names a secret (token, secret, password, authorization, api_key, cvc, ...,
// in any case and as part of a longer key like access_token) has its value replaced; a string
// or number that is a card number (13-19 digits, spaces or dashes allowed, passing the Luhn
// check) keeps only its last four digits, wherever it is; and every secret of the config is
// masked as the logger masks it.
#pragma once

#include <string>

namespace sluice::console {

// Pretty-printed JSON with the secrets masked; text that is not JSON comes back with its card
// numbers and configured secrets masked.
std::string maskSecrets(const std::string& json);

// Whether a key's value is a secret.
bool isSecretKey(const std::string& key);

// Card numbers in free text masked (error messages).
std::string maskCardNumbers(const std::string& text);

}  // namespace sluice::console
