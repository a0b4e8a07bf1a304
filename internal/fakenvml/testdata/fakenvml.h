/*
 * Shared declarations of the fake libnvidia-ml.so.1 (see fakenvml.c). Only
 * NVML's own functions are exported; everything here is hidden.
 */
#ifndef FAKENVML_H
#define FAKENVML_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* As go-nvml compiles it: every versioned name is declared as written. */
#define NVML_NO_UNVERSIONED_FUNC_DEFS 1
#include "nvml.h"

#define HIDDEN __attribute__((visibility("hidden")))

#define MAX_DEVICES 16
#define MAX_PROCS 64
#define MAX_ERRORS 16
#define TEXT_LEN 256

struct fake_proc {
	unsigned int pid;
	unsigned long long used;
	int graphics;
	char name[TEXT_LEN];
};

struct fake_error {
	char fn[64];
	int code;
};

struct fake_errors {
	int n;
	struct fake_error e[MAX_ERRORS];
};

struct nvmlDevice_st {
	char name[TEXT_LEN], uuid[TEXT_LEN];
	int cc_major, cc_minor;
	unsigned int arch, util, temp, power_mw, power_limit_mw, mig;
	unsigned long long total, reserved, used;
	int lost;
	int nprocs;
	struct fake_proc procs[MAX_PROCS];
	struct fake_errors errors;
};

struct fake_state {
	char driver[TEXT_LEN];
	int cuda;
	struct fake_errors errors;
	int ndevices;
	struct nvmlDevice_st dev[MAX_DEVICES];
};

/* fake_state_now is the state last read; fake_initialized is set between
 * nvmlInit and nvmlShutdown. */
HIDDEN extern struct fake_state fake_state_now;
HIDDEN extern int fake_initialized;

/* fake_reload reads the state file again when it has been replaced. */
HIDDEN void fake_reload(void);

/* fake_injected is the error injected for function fn, or NVML_SUCCESS. */
HIDDEN nvmlReturn_t fake_injected(const struct fake_errors *errs, const char *fn);

#endif
