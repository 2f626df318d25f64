// omsrun: the omsql command line.
#include <iostream>

int main(int argc, char** argv) {
  (void)argc; (void)argv;
  std::cout << "omsrun " OMSQL_VERSION "\n";
  return 0;
}
