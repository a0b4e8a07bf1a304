/*
 * The state file of the fake libnvidia-ml.so.1: its parser, and the check
 * that reads it again when a test has replaced it.
 */
#include "fakenvml.h"

struct fake_state fake_state_now;
int fake_initialized;
static struct fake_state next;
static ino_t loaded_ino;
static struct timespec loaded_mtime;

/* unescape decodes %XX in place; the writer escapes %, control bytes and
 * anything else that would break a line. */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		unsigned int b;
		if (r[0] == '%' && r[1] && r[2] && sscanf(r + 1, "%2x", &b) == 1) {
			*w++ = (char)b;
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
}

static void copy_text(char *dst, const char *src)
{
	snprintf(dst, TEXT_LEN, "%s", src);
	unescape(dst);
}

static void add_error(struct fake_errors *errs, const char *rest)
{
	if (errs->n < MAX_ERRORS &&
	    sscanf(rest, "%63s %d", errs->e[errs->n].fn, &errs->e[errs->n].code) == 2)
		errs->n++;
}

static void parse_line(struct fake_state *s, char *line)
{
	char *rest = strchr(line, ' ');
	struct nvmlDevice_st *d = s->ndevices > 0 ? &s->dev[s->ndevices - 1] : NULL;
	if (rest)
		*rest++ = 0;
	else
		rest = line + strlen(line);
	if (strcmp(line, "device") == 0) {
		if (s->ndevices < MAX_DEVICES)
			memset(&s->dev[s->ndevices++], 0, sizeof(struct nvmlDevice_st));
		return;
	}
	if (strcmp(line, "driver") == 0)
		copy_text(s->driver, rest);
	else if (strcmp(line, "cuda") == 0)
		s->cuda = atoi(rest);
	else if (strcmp(line, "error") == 0)
		add_error(d ? &d->errors : &s->errors, rest);
	else if (!d)
		return;
	else if (strcmp(line, "name") == 0)
		copy_text(d->name, rest);
	else if (strcmp(line, "uuid") == 0)
		copy_text(d->uuid, rest);
	else if (strcmp(line, "cc") == 0)
		sscanf(rest, "%d %d", &d->cc_major, &d->cc_minor);
	else if (strcmp(line, "arch") == 0)
		d->arch = (unsigned int)strtoul(rest, NULL, 10);
	else if (strcmp(line, "memory") == 0)
		sscanf(rest, "%llu %llu %llu", &d->total, &d->reserved, &d->used);
	else if (strcmp(line, "util") == 0)
		d->util = (unsigned int)strtoul(rest, NULL, 10);
	else if (strcmp(line, "temp") == 0)
		d->temp = (unsigned int)strtoul(rest, NULL, 10);
	else if (strcmp(line, "power") == 0)
		sscanf(rest, "%u %u", &d->power_mw, &d->power_limit_mw);
	else if (strcmp(line, "mig") == 0)
		d->mig = (unsigned int)atoi(rest);
	else if (strcmp(line, "lost") == 0)
		d->lost = atoi(rest);
	else if (strcmp(line, "process") == 0 && d->nprocs < MAX_PROCS) {
		/* process compute|graphics PID BYTES|na NAME */
		struct fake_proc *p = &d->procs[d->nprocs];
		char kind[16], used[32];
		int n = 0;
		if (sscanf(rest, "%15s %u %31s %n", kind, &p->pid, used, &n) < 3)
			return;
		p->graphics = strcmp(kind, "graphics") == 0;
		p->used = strcmp(used, "na") == 0 ? (unsigned long long)NVML_VALUE_NOT_AVAILABLE
						  : strtoull(used, NULL, 10);
		copy_text(p->name, rest + n);
		d->nprocs++;
	}
}

/* reload reads the state file again when it has been replaced since the
 * last read (the writer renames a new file into place). */
void fake_reload(void)
{
	const char *path = getenv("HEADROOM_FAKE_NVML_STATE");
	struct stat sb;
	char line[1024];
	FILE *f;
	if (!path || stat(path, &sb) != 0)
		return;
	if (sb.st_ino == loaded_ino && sb.st_mtim.tv_sec == loaded_mtime.tv_sec &&
	    sb.st_mtim.tv_nsec == loaded_mtime.tv_nsec)
		return;
	f = fopen(path, "r");
	if (!f)
		return;
	memset(&next, 0, sizeof next);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		parse_line(&next, line);
	}
	fclose(f);
	memcpy(&fake_state_now, &next, sizeof fake_state_now);
	loaded_ino = sb.st_ino;
	loaded_mtime = sb.st_mtim;
}

nvmlReturn_t fake_injected(const struct fake_errors *errs, const char *fn)
{
	for (int i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].fn, fn) == 0)
			return (nvmlReturn_t)errs->e[i].code;
	return NVML_SUCCESS;
}
