#include "state/schema_version.h"

#include <string>

#include "core/error.h"

namespace sluice {

void refuseNewerSchema(int version, int latest) {
  if (version > latest)
    throw StateError("database schema version " + std::to_string(version) +
                     " is newer than this sluice supports (version " + std::to_string(latest) +
                     "); upgrade sluice to use this database");
}

}  // namespace sluice
