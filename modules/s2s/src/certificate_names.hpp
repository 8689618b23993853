#pragma once
// Whether a certificate file of ours names a domain: a component domain
// (conference.<host>) presents its host's certificate, which peers only count
// when it names the component too (docs/federation.md, "Component domains").
// Checked once at start, so that the operator learns it from the log rather
// than from peers refusing the rooms.

#include <chrono>
#include <string>
#include <string_view>

#include "keyfed/net/certificate_check.hpp"

namespace keyfed::modules::s2s {

// True when the leaf certificate in the PEM file `pemFile` names `domain`
// (RFC 6125 matching, as a peer would check it); false when it does not or
// the file cannot be read.
bool certificateNames(const net::CertificateVerifier& verifier, const std::string& pemFile,
                      std::string_view domain, std::chrono::system_clock::time_point now);

}  // namespace keyfed::modules::s2s
