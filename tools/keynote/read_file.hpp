#pragma once
// Reads a whole input file of the keynote tool, never more than a bound: an
// assertion or key file larger than that is refused before it is all read.
// Errors go to stderr the way keynote(1) reports them (perror style).

#include <cstddef>
#include <string>

bool readBoundedFile(const char* path, std::size_t maxBytes, std::string& out);
