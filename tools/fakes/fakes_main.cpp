// sluice-fakes: runs the fake GHL and Stripe servers on 127.0.0.1 for the demo and the
// out-of-process tests, until SIGTERM/SIGINT or until --seconds elapse (so a forgotten
// instance can never run forever).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace {

struct Options {
  int ghlPort = 0;
  int stripePort = 0;
  std::string ghlToken = "ghl_fake_static_token";
  std::string stripeKey = "sk_test_fake_key_0000";
  std::string clientId;
  std::string clientSecret;
  std::string refreshToken;
  std::string locationId = "loc_fake_0001";
  std::string portsFile;
  long seconds = 3600;
};

void usage() {
  std::cerr << "usage: sluice-fakes [--ghl-port N] [--stripe-port N] [--ghl-token T] "
               "[--stripe-key K] [--ghl-client-id ID] [--ghl-client-secret S] "
               "[--ghl-refresh-token R] [--location-id L] [--ports-file F] [--seconds S]\n";
}

bool parse(int argc, char** argv, Options& o) {
  std::map<std::string, std::string*> strings = {{"--ghl-token", &o.ghlToken},
                                                 {"--stripe-key", &o.stripeKey},
                                                 {"--ghl-client-id", &o.clientId},
                                                 {"--ghl-client-secret", &o.clientSecret},
                                                 {"--ghl-refresh-token", &o.refreshToken},
                                                 {"--location-id", &o.locationId},
                                                 {"--ports-file", &o.portsFile}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return false;
    if (i + 1 >= argc) return false;
    std::string value = argv[++i];
    try {
      if (arg == "--ghl-port") {
        o.ghlPort = std::stoi(value);
      } else if (arg == "--stripe-port") {
        o.stripePort = std::stoi(value);
      } else if (arg == "--seconds") {
        o.seconds = std::stol(value);
      } else if (strings.count(arg)) {
        *strings[arg] = value;
      } else {
        return false;
      }
    } catch (const std::exception&) {
      return false;
    }
  }
  return o.ghlPort >= 0 && o.ghlPort < 65536 && o.stripePort >= 0 && o.stripePort < 65536 &&
         o.seconds > 0;
}

// Written to a temporary name and renamed, so a reader never sees half a line.
bool writePortsFile(const std::string& path, const std::string& line) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) return false;
    out << line << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    usage();
    return 2;
  }
  // Block the stop signals before any server thread exists, then wait for them here.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  try {
    sluice::fakes::FakeGhl ghl(o.locationId);
    ghl.setStaticToken(o.ghlToken);
    if (!o.clientId.empty()) ghl.setOAuthClient(o.clientId, o.clientSecret, o.refreshToken);
    sluice::fakes::FakeStripe stripe(o.stripeKey);
    ghl.start(static_cast<std::uint16_t>(o.ghlPort));
    stripe.start(static_cast<std::uint16_t>(o.stripePort));
    std::string line = "ghl=" + ghl.baseUrl() + " stripe=" + stripe.baseUrl();
    std::cout << line << std::endl;
    if (!o.portsFile.empty() && !writePortsFile(o.portsFile, line)) {
      std::cerr << "sluice-fakes: cannot write " << o.portsFile << "\n";
      return 1;
    }
    timespec timeout{o.seconds, 0};
    sigtimedwait(&stopSignals, nullptr, &timeout);
    stripe.stop();
    ghl.stop();
  } catch (const std::exception& e) {
    std::cerr << "sluice-fakes: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
