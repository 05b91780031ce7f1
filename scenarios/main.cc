#include <iostream>

#include "scenarios/cli.h"

int main(int argc, char** argv) { return ws2sim::scenarios::RunCli(argc, argv, std::cout, std::cerr); }
