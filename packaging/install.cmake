# What `cmake --install` puts where, and the .deb CPack makes of it (scripts/package.sh).
# With the /usr prefix (the package) every file lands in its Debian place:
#   /usr/bin/sluice                              the binary
#   /usr/share/sluice/apps/                      the catalog (found without SLUICE_CATALOG)
#   /usr/share/sluice/examples/                  sluice.yaml for the service, the example flows
#   /usr/share/doc/sluice/                       README.md, catalog/README.md, catalog/SCHEMA.md
#   /usr/share/man/man1/sluice.1.gz              generated from the command table
#   /usr/share/bash-completion/completions/sluice   the same
#   /lib/systemd/system/sluice.service           not enabled on install
# Another prefix (default /usr/local) keeps the same layout under it.

# The man page and the bash completion, written by the built binary from its command table
# (tools/sluice/command_table.cpp), so they list exactly the verbs and flags it takes.
set(SLUICE_GENERATED ${CMAKE_BINARY_DIR}/generated)
add_custom_command(
  OUTPUT ${SLUICE_GENERATED}/sluice.1 ${SLUICE_GENERATED}/sluice.1.gz
         ${SLUICE_GENERATED}/sluice.bash-completion
  COMMAND sh -c "$<TARGET_FILE:sluice> help --man > sluice.1"
  COMMAND sh -c "gzip -9n -c sluice.1 > sluice.1.gz"
  COMMAND sh -c "$<TARGET_FILE:sluice> help --bash-completion > sluice.bash-completion"
  DEPENDS sluice
  WORKING_DIRECTORY ${SLUICE_GENERATED}
  COMMENT "Writing the man page and the bash completion from the command table"
  VERBATIM)
add_custom_target(sluice_docs ALL
  DEPENDS ${SLUICE_GENERATED}/sluice.1.gz ${SLUICE_GENERATED}/sluice.bash-completion)

# The unit names the installed binary and config folder.
configure_file(${CMAKE_SOURCE_DIR}/packaging/sluice.service.in ${SLUICE_GENERATED}/sluice.service
  @ONLY)
# Debian 12 keeps units in /lib/systemd/system (the same folder as /usr/lib/systemd/system on a
# merged /usr); under another prefix they go to PREFIX/lib/systemd/system, which systemd reads
# for /usr/local too.
set(SLUICE_SYSTEMD_UNIT_DIR "" CACHE STRING
  "where the systemd unit goes (relative: under the prefix); empty: the prefix's usual place")
set(SLUICE_UNIT_DIR ${SLUICE_SYSTEMD_UNIT_DIR})
if(NOT SLUICE_UNIT_DIR AND CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(SLUICE_UNIT_DIR /lib/systemd/system)
elseif(NOT SLUICE_UNIT_DIR)
  set(SLUICE_UNIT_DIR lib/systemd/system)
endif()

install(TARGETS sluice RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/apps/ DESTINATION ${CMAKE_INSTALL_DATADIR}/sluice/apps
  FILES_MATCHING PATTERN "*.yaml" PATTERN "records.json")
file(GLOB SLUICE_EXAMPLES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/examples/*.yaml)
install(FILES ${SLUICE_EXAMPLES} ${CMAKE_SOURCE_DIR}/packaging/sluice.yaml
  DESTINATION ${CMAKE_INSTALL_DATADIR}/sluice/examples)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/catalog/README.md ${CMAKE_SOURCE_DIR}/catalog/SCHEMA.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/catalog)
install(FILES ${SLUICE_GENERATED}/sluice.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${SLUICE_GENERATED}/sluice.bash-completion
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME sluice)
install(FILES ${SLUICE_GENERATED}/sluice.service DESTINATION ${SLUICE_UNIT_DIR})

# The .deb: `cpack -G DEB` in the build folder (scripts/package.sh). Its Depends are the Debian
# library packages the binary links (dpkg-shlibdeps), plus what the maintainer scripts and the
# TLS client use.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sluice)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "sluice")
set(CPACK_PACKAGE_CONTACT "sluice maintainers <sluice@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "polling trigger and connector runtime")
set(CPACK_PACKAGE_DESCRIPTION "\
sluice polls each flow's trigger (Stripe, HighLevel) every 1 to 15 minutes,
dedupes what it finds against durable cursors, and delivers every new item
to the flow's actions exactly once. Flows are one YAML file; state is SQLite
or PostgreSQL. Ships a systemd unit, not enabled on install.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "ca-certificates, passwd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
  ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
  ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/package)
include(CPack)
