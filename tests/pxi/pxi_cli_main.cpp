// `pxi ARGS...` == `pxos pxi ARGS...`, without the rest of the monitor.
#include <span>

#include "cli/commands.h"

int main(int argc, char** argv) { return pxos::cli::cmd_pxi(std::span<char* const>(argv + 1, argc - 1)); }
