/*
 * A fake libnvidia-ml.so.1 for headroom's tests. It implements the NVML calls
 * headroom makes and answers them from a state file, named by the environment
 * variable HEADROOM_FAKE_NVML_STATE, which a test may rewrite while the
 * program runs: the file is read again at nvmlInit and at every
 * nvmlDeviceGetCount (once per sample) when it has been replaced. Every other
 * NVML function is a generated stub answering NVML_ERROR_NOT_SUPPORTED, since
 * go-nvml kills the process on a symbol the library lacks.
 *
 * The state file is written by internal/fakenvml (WriteState) and read by
 * state.c; its format is one "key value" per line, documented there.
 */
#include "fakenvml.h"

/* check is how every device call starts: initialised, a handle, not lost,
 * and no error injected for this function. */
static nvmlReturn_t check(struct nvmlDevice_st *d, const char *fn)
{
	if (!fake_initialized)
		return NVML_ERROR_UNINITIALIZED;
	if (!d)
		return NVML_ERROR_INVALID_ARGUMENT;
	if (d->lost)
		return NVML_ERROR_GPU_IS_LOST;
	return fake_injected(&d->errors, fn);
}

static nvmlReturn_t put_text(char *dst, unsigned int length, const char *src)
{
	if (!dst || strlen(src) + 1 > length)
		return NVML_ERROR_INSUFFICIENT_SIZE;
	strcpy(dst, src);
	return NVML_SUCCESS;
}

static nvmlReturn_t fake_init(void)
{
	nvmlReturn_t r;
	fake_reload();
	if ((r = fake_injected(&fake_state_now.errors, "Init")) != NVML_SUCCESS)
		return r;
	fake_initialized = 1;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlInit_v2(void) { return fake_init(); }
nvmlReturn_t nvmlInit(void) { return fake_init(); }
nvmlReturn_t nvmlInitWithFlags(unsigned int flags) { (void)flags; return fake_init(); }

nvmlReturn_t nvmlShutdown(void)
{
	if (!fake_initialized)
		return NVML_ERROR_UNINITIALIZED;
	fake_initialized = 0;
	return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result)
{
	switch (result) {
	case NVML_SUCCESS: return "Success";
	case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
	case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
	case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
	case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
	case NVML_ERROR_NOT_FOUND: return "Not Found";
	case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
	case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
	case NVML_ERROR_FUNCTION_NOT_FOUND: return "Function Not Found";
	case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
	case NVML_ERROR_LIB_RM_VERSION_MISMATCH: return "RM has detected an NVML/RM version mismatch.";
	case NVML_ERROR_ARGUMENT_VERSION_MISMATCH: return "Argument version mismatch";
	default: return "Unknown Error";
	}
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length)
{
	nvmlReturn_t r;
	if (!fake_initialized)
		return NVML_ERROR_UNINITIALIZED;
	if ((r = fake_injected(&fake_state_now.errors, "SystemGetDriverVersion")) != NVML_SUCCESS)
		return r;
	return put_text(version, length, fake_state_now.driver);
}

static nvmlReturn_t cuda_version(int *v)
{
	nvmlReturn_t r;
	if (!fake_initialized)
		return NVML_ERROR_UNINITIALIZED;
	if ((r = fake_injected(&fake_state_now.errors, "SystemGetCudaDriverVersion")) != NVML_SUCCESS)
		return r;
	*v = fake_state_now.cuda;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *v) { return cuda_version(v); }
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *v) { return cuda_version(v); }

nvmlReturn_t nvmlSystemGetProcessName(unsigned int pid, char *name, unsigned int length)
{
	nvmlReturn_t r;
	if (!fake_initialized)
		return NVML_ERROR_UNINITIALIZED;
	if ((r = fake_injected(&fake_state_now.errors, "SystemGetProcessName")) != NVML_SUCCESS)
		return r;
	for (int i = 0; i < fake_state_now.ndevices; i++)
		for (int j = 0; j < fake_state_now.dev[i].nprocs; j++)
			if (fake_state_now.dev[i].procs[j].pid == pid)
				return put_text(name, length, fake_state_now.dev[i].procs[j].name);
	return NVML_ERROR_NOT_FOUND;
}

static nvmlReturn_t device_count(unsigned int *count)
{
	nvmlReturn_t r;
	if (!fake_initialized)
		return NVML_ERROR_UNINITIALIZED;
	fake_reload();
	if ((r = fake_injected(&fake_state_now.errors, "DeviceGetCount")) != NVML_SUCCESS)
		return r;
	*count = (unsigned int)fake_state_now.ndevices;
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { return device_count(count); }
nvmlReturn_t nvmlDeviceGetCount(unsigned int *count) { return device_count(count); }

static nvmlReturn_t handle_by_index(unsigned int index, nvmlDevice_t *device)
{
	if (!fake_initialized)
		return NVML_ERROR_UNINITIALIZED;
	if (index >= (unsigned int)fake_state_now.ndevices)
		return NVML_ERROR_INVALID_ARGUMENT;
	device->handle = &fake_state_now.dev[index];
	return fake_injected(&fake_state_now.dev[index].errors, "DeviceGetHandleByIndex");
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) { return handle_by_index(i, d); }
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int i, nvmlDevice_t *d) { return handle_by_index(i, d); }

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t dev, char *name, unsigned int length)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetName");
	return r != NVML_SUCCESS ? r : put_text(name, length, d->name);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t dev, char *uuid, unsigned int length)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetUUID");
	return r != NVML_SUCCESS ? r : put_text(uuid, length, d->uuid);
}

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t dev, int *major, int *minor)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetCudaComputeCapability");
	if (r == NVML_SUCCESS) {
		*major = d->cc_major;
		*minor = d->cc_minor;
	}
	return r;
}

nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t dev, nvmlDeviceArchitecture_t *arch)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetArchitecture");
	if (r == NVML_SUCCESS)
		*arch = d->arch;
	return r;
}

/* Free is what neither the driver's reservation nor allocations hold. */
static unsigned long long free_bytes(struct nvmlDevice_st *d)
{
	unsigned long long held = d->reserved + d->used;
	return held > d->total ? 0 : d->total - held;
}

/* v1 counts the reservation as used, as the real library does. */
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t dev, nvmlMemory_t *m)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetMemoryInfo");
	if (r == NVML_SUCCESS) {
		m->total = d->total;
		m->used = d->reserved + d->used;
		m->free = free_bytes(d);
	}
	return r;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t dev, nvmlMemory_v2_t *m)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetMemoryInfo_v2");
	if (r != NVML_SUCCESS)
		return r;
	if (m->version != nvmlMemory_v2)
		return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
	m->total = d->total;
	m->reserved = d->reserved;
	m->used = d->used;
	m->free = free_bytes(d);
	return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t dev, nvmlUtilization_t *u)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetUtilizationRates");
	if (r == NVML_SUCCESS) {
		u->gpu = d->util;
		u->memory = 0;
	}
	return r;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t dev, nvmlTemperatureSensors_t sensor, unsigned int *temp)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetTemperature");
	if (r == NVML_SUCCESS && sensor != NVML_TEMPERATURE_GPU)
		return NVML_ERROR_INVALID_ARGUMENT;
	if (r == NVML_SUCCESS)
		*temp = d->temp;
	return r;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t dev, unsigned int *mw)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetPowerUsage");
	if (r == NVML_SUCCESS)
		*mw = d->power_mw;
	return r;
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t dev, unsigned int *mw)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetEnforcedPowerLimit");
	if (r == NVML_SUCCESS)
		*mw = d->power_limit_mw;
	return r;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t dev, unsigned int *current, unsigned int *pending)
{
	struct nvmlDevice_st *d = dev.handle;
	nvmlReturn_t r = check(d, "DeviceGetMigMode");
	if (r == NVML_SUCCESS)
		*current = *pending = d->mig;
	return r;
}

/* put_process writes one process into a caller's array laid out as the
 * version asks: nvmlProcessInfo_v1_t is {pid, usedGpuMemory}; v2 and v3 both
 * take nvmlProcessInfo_v2_t, which adds the MIG instance IDs (nvml.h). */
static void put_process(void *infos, int version, unsigned int i, const struct fake_proc *p, int mig)
{
	if (version == 1) {
		nvmlProcessInfo_v1_t *info = (nvmlProcessInfo_v1_t *)infos + i;
		info->pid = p->pid;
		info->usedGpuMemory = p->used;
		return;
	}
	nvmlProcessInfo_v2_t *info = (nvmlProcessInfo_v2_t *)infos + i;
	info->pid = p->pid;
	info->usedGpuMemory = p->used;
	info->gpuInstanceId = mig ? 1 : 0xFFFFFFFF;
	info->computeInstanceId = mig ? 0 : 0xFFFFFFFF;
}

/* processes answers the list calls the way the real library does: when the
 * caller's array is too small it gives the count needed and
 * NVML_ERROR_INSUFFICIENT_SIZE. Every version answers from the same list
 * and fails with the same injected error (keyed without the version). */
static nvmlReturn_t processes(struct nvmlDevice_st *d, const char *fn, int graphics, unsigned int *count,
			      void *infos, int version)
{
	nvmlReturn_t r = check(d, fn);
	unsigned int n = 0;
	if (r != NVML_SUCCESS)
		return r;
	for (int i = 0; i < d->nprocs; i++)
		n += d->procs[i].graphics == graphics;
	if (*count < n) {
		*count = n;
		return NVML_ERROR_INSUFFICIENT_SIZE;
	}
	n = 0;
	for (int i = 0; i < d->nprocs; i++) {
		if (d->procs[i].graphics != graphics)
			continue;
		put_process(infos, version, n++, &d->procs[i], d->mig);
	}
	*count = n;
	return NVML_SUCCESS;
}

#define COMPUTE "DeviceGetComputeRunningProcesses"
#define GRAPHICS "DeviceGetGraphicsRunningProcesses"

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos)
{
	return processes(dev.handle, COMPUTE, 0, count, infos, 3);
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_v2_t *infos)
{
	return processes(dev.handle, COMPUTE, 0, count, infos, 2);
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_v1_t *infos)
{
	return processes(dev.handle, COMPUTE, 0, count, infos, 1);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_t *infos)
{
	return processes(dev.handle, GRAPHICS, 1, count, infos, 3);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_v2_t *infos)
{
	return processes(dev.handle, GRAPHICS, 1, count, infos, 2);
}

nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses(nvmlDevice_t dev, unsigned int *count, nvmlProcessInfo_v1_t *infos)
{
	return processes(dev.handle, GRAPHICS, 1, count, infos, 1);
}
