// libFuzzer's driver, linked by -sanitize=fuzzer (compiler-rt's FuzzerInterface.h).
#include <stddef.h>
#include <stdint.h>

// Runs libFuzzer with its command line, calling `callback` for every input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
