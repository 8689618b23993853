#pragma once
// The KeyNote trust-management engine (RFC 2704), C++ API. See
// docs/keynote.md. The C API compatible with keynote(3) is keynote/keynote.h.

#include "keynote/assertion.hpp"        // IWYU pragma: export
#include "keynote/crypto_provider.hpp"  // IWYU pragma: export
#include "keynote/environment.hpp"      // IWYU pragma: export
#include "keynote/error.hpp"            // IWYU pragma: export
#include "keynote/explanation.hpp"      // IWYU pragma: export
#include "keynote/keys.hpp"             // IWYU pragma: export
#include "keynote/limits.hpp"           // IWYU pragma: export
#include "keynote/session.hpp"          // IWYU pragma: export
