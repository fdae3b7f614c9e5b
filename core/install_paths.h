// Where `cmake --install` (and the .deb) put sluice's files, fixed when the build is
// configured (CMAKE_INSTALL_PREFIX; /usr for the package). The definitions are generated from
// core/install_paths.cpp.in into the build folder, one small file, so that configuring
// another prefix recompiles nothing else.
#pragma once

namespace sluice::install_paths {

// The installed catalog: PREFIX/share/sluice/apps.
const char* catalog();
// The same, relative to the installed binary's folder (../share/sluice/apps): a prefix moved
// as a whole, or a package unpacked into a scratch root, still finds its own catalog.
const char* catalogFromBinDir();
// The service's configuration folder (/etc/sluice for the /usr prefix).
const char* configDir();
// The example flow files and the service's sample sluice.yaml.
const char* examplesDir();
// README.md, catalog/README.md, catalog/SCHEMA.md.
const char* docDir();

}  // namespace sluice::install_paths
