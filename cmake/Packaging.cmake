# Installed files beyond the binaries and the Debian package (CPack, DEB generator).
#
# Build the package with scripts/package.sh (a release build for /usr), or from any complete
# build: `cpack --config BUILD/CPackConfig.cmake -G DEB -B OUTDIR`. The package installs under
# /usr whatever CMAKE_INSTALL_PREFIX says, with the configuration in /etc/mirrord.

# Installing (and so cpack) takes what is built instead of building every target first: the
# package needs mirrord, mirrorctl and the man pages, not the test and fuzz binaries.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

# Configuration: conffiles of the package, where the unit file looks for them. The policy
# directory ships a commented example, so that operators find the directory and the format.
set(MIRRORD_CONFIG_DIR "/etc/mirrord" CACHE PATH "Where the service's configuration is installed")
install(FILES systemd/mirrord.toml DESTINATION ${MIRRORD_CONFIG_DIR})
install(FILES packaging/local.toml DESTINATION ${MIRRORD_CONFIG_DIR}/policies.d)

# Manual pages, compressed as Debian installs them (-n: no timestamp, so builds are reproducible).
find_program(GZIP_PROGRAM gzip REQUIRED)
set(MIRRORD_MAN_PAGES docs/man/mirrord.8 docs/man/mirrorctl.1)
set(MIRRORD_MAN_ARCHIVES)
foreach(page ${MIRRORD_MAN_PAGES})
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${name})
  set(archive ${CMAKE_CURRENT_BINARY_DIR}/man/${name}.gz)
  add_custom_command(
    OUTPUT ${archive}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
    COMMAND ${GZIP_PROGRAM} -9 -n -c ${CMAKE_CURRENT_SOURCE_DIR}/${page} > ${archive}
    DEPENDS ${page}
    COMMENT "Compressing ${name}")
  list(APPEND MIRRORD_MAN_ARCHIVES ${archive})
  install(FILES ${archive} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(man_pages ALL DEPENDS ${MIRRORD_MAN_ARCHIVES})

install(FILES README.md packaging/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package.
set(CPACK_PACKAGE_NAME mirrord)
set(CPACK_PACKAGE_VENDOR "mirrord")
set(MIRRORD_PACKAGE_MAINTAINER "mirrord maintainers <mirrord@localhost>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${MIRRORD_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "verified mirror of models, Python packages, apt and git repositories")
# CPack puts the summary on the Description line and this under it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "mirrord mirrors open-weight models (Hugging Face), Python packages (PyPI and
PyTorch indexes), Debian/Ubuntu apt repositories and git repositories into a
verified, content-addressed store, and serves them to stock clients
(HF_ENDPOINT, pip, apt, git). mirrorctl is its command-line client.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
# Libraries come from dpkg-shlibdeps; the programs the daemon runs are named here: gpgv checks
# apt InRelease signatures, gpg (with its agent) re-signs served apt metadata.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "gpgv, gpg, gpg-agent")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
# dpkg keeps an operator's edits of these across upgrades.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/deb/conffiles
     "${MIRRORD_CONFIG_DIR}/mirrord.toml\n${MIRRORD_CONFIG_DIR}/policies.d/local.toml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_BINARY_DIR}/deb/conffiles
    ${CMAKE_CURRENT_SOURCE_DIR}/packaging/deb/postinst
    ${CMAKE_CURRENT_SOURCE_DIR}/packaging/deb/prerm
    ${CMAKE_CURRENT_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_GENERATOR DEB)
include(CPack)
