#pragma once
// Kept for the files that still include it; the protocol is actors/protocol.hpp.
#include "actors/protocol.hpp"
