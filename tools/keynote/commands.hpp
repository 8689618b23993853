#pragma once
// The verbs of the `keynote` command-line tool (keynote(1)). main.cpp
// dispatches on argv[1] and calls one of these with argv shifted by one, so
// argv[0] is the verb ("keygen", "sign", "sigver", "verify"). Each returns the
// process exit code and writes to stdout/stderr exactly as keynote(1) does.
// They are plain functions (no namespace) so each verb can live in its own
// file without sharing anything but this header.

int runKeygen(int argc, char** argv);  // tools/keynote/keygen.cpp
int runSign(int argc, char** argv);    // tools/keynote/sign.cpp
int runSigver(int argc, char** argv);  // tools/keynote/sigver.cpp
int runVerify(int argc, char** argv);  // tools/keynote/verify.cpp
