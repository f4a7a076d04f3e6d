/*
 * iscsi-pr: one libiscsi session (one I_T nexus) driven line by line, for the integration tests'
 * persistent-reservation scenarios (sg_persist needs a kernel initiator, which a container lacks).
 *
 *   iscsi-pr URL INITIATOR-IQN [TIMEOUT-SECONDS]
 *
 * Logs in, prints "READY <block size> ua=<unit attentions consumed by the login's READ CAPACITY>", then
 * reads one command per line from stdin and prints exactly one result line per command:
 *
 *   register KEY SAKEY [aptpl]       PROUT REGISTER (SPC-4 5.13.5.2): KEY the nexus's current key (0 if
 *                                    none), SAKEY the new one (0 unregisters)
 *   register-ignore SAKEY [aptpl]    PROUT REGISTER AND IGNORE EXISTING KEY
 *   reserve KEY TYPE                 PROUT RESERVE
 *   release KEY TYPE                 PROUT RELEASE
 *   clear KEY                        PROUT CLEAR
 *   preempt KEY SAKEY TYPE           PROUT PREEMPT
 *   preempt-abort KEY SAKEY TYPE     PROUT PREEMPT AND ABORT
 *   read-keys                        PRIN READ KEYS: "GOOD gen=N keys=K1,K2" (keys in hex, in target order)
 *   read-reservation                 PRIN READ RESERVATION: "GOOD gen=N none" or "GOOD gen=N key=K type=T"
 *   write LBA BLOCKS BYTE            WRITE(10) of BLOCKS blocks filled with BYTE (hex)
 *   read LBA BLOCKS                  READ(10): "GOOD fill=XX" when every byte is XX, else "GOOD mixed=FNV1A64"
 *   tur                              TEST UNIT READY
 *
 * Keys and BYTE are hex (an optional 0x is accepted); LBA, BLOCKS, TYPE are decimal. Results:
 *   GOOD ...  |  RESERVATION_CONFLICT  |  CHECK key/asc/ascq (hex)  |  BUSY  |  STATUS 0xNN  |  ERROR text
 * Unit attentions come back as CHECK 6/../..: the caller decides whether to retry (SPC-4 5.14).
 * Auto-reconnect is off: a multipath host moves to another path, it does not log in again on a dead one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

static struct iscsi_context *iscsi;
static int lun;
static uint32_t block_size;

static int parse_hex(const char *s, uint64_t *out)
{
	char *end;
	if (s == NULL) {
		return -1;
	}
	*out = strtoull(s, &end, 16);
	return *end == '\0' ? 0 : -1;
}

static int parse_dec(const char *s, uint64_t *out)
{
	char *end;
	if (s == NULL) {
		return -1;
	}
	*out = strtoull(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

/* Prints the status line of a finished task; returns 1 when GOOD (the caller prints the GOOD line). */
static int report_status(struct scsi_task *task)
{
	if (task == NULL) {
		printf("ERROR %s\n", iscsi_get_error(iscsi));
		return 0;
	}
	switch (task->status) {
	case SCSI_STATUS_GOOD:
		return 1;
	case SCSI_STATUS_RESERVATION_CONFLICT:
		printf("RESERVATION_CONFLICT\n");
		return 0;
	case SCSI_STATUS_CHECK_CONDITION:
		/* libiscsi keeps ASC and ASCQ together in one field: ASC << 8 | ASCQ */
		printf("CHECK %x/%02x/%02x\n", task->sense.key, (task->sense.ascq >> 8) & 0xff,
		       task->sense.ascq & 0xff);
		return 0;
	case SCSI_STATUS_BUSY:
		printf("BUSY\n");
		return 0;
	case SCSI_STATUS_ERROR:
	case SCSI_STATUS_CANCELLED:
	case SCSI_STATUS_TIMEOUT:
		/* the error text may be empty (e.g. the connection was reset): name the status too */
		printf("ERROR %s: %s\n", task->status == SCSI_STATUS_TIMEOUT ? "timeout"
		       : task->status == SCSI_STATUS_CANCELLED ? "cancelled" : "transport", iscsi_get_error(iscsi));
		return 0;
	default:
		printf("STATUS 0x%02x\n", task->status);
		return 0;
	}
}

static void prout(int sa, uint64_t key, uint64_t sakey, int type, int aptpl)
{
	struct scsi_persistent_reserve_out_basic params;
	memset(&params, 0, sizeof(params));
	params.reservation_key = key;
	params.service_action_reservation_key = sakey;
	params.aptpl = (uint8_t)aptpl;
	struct scsi_task *task = iscsi_persistent_reserve_out_sync(iscsi, lun, sa,
			SCSI_PERSISTENT_RESERVE_SCOPE_LU, type, &params);
	if (report_status(task)) {
		printf("GOOD\n");
	}
	if (task != NULL) {
		scsi_free_scsi_task(task);
	}
}

static void read_keys(void)
{
	struct scsi_task *task = iscsi_persistent_reserve_in_sync(iscsi, lun,
			SCSI_PERSISTENT_RESERVE_READ_KEYS, 8192);
	if (report_status(task)) {
		struct scsi_persistent_reserve_in_read_keys *rk = scsi_datain_unmarshall(task);
		if (rk == NULL) {
			printf("ERROR cannot unmarshall READ KEYS data\n");
		} else {
			printf("GOOD gen=%" PRIu32 " keys=", rk->prgeneration);
			for (int i = 0; i < rk->num_keys; i++) {
				printf("%s%" PRIx64, i == 0 ? "" : ",", rk->keys[i]);
			}
			printf("\n");
		}
	}
	if (task != NULL) {
		scsi_free_scsi_task(task);
	}
}

static void read_reservation(void)
{
	struct scsi_task *task = iscsi_persistent_reserve_in_sync(iscsi, lun,
			SCSI_PERSISTENT_RESERVE_READ_RESERVATION, 8192);
	if (report_status(task)) {
		struct scsi_persistent_reserve_in_read_reservation *rr = scsi_datain_unmarshall(task);
		if (rr == NULL) {
			printf("ERROR cannot unmarshall READ RESERVATION data\n");
		} else if (!rr->reserved) {
			printf("GOOD gen=%" PRIu32 " none\n", rr->prgeneration);
		} else {
			printf("GOOD gen=%" PRIu32 " key=%" PRIx64 " type=%d\n", rr->prgeneration,
			       rr->reservation_key, rr->pr_type & 0x0f);
		}
	}
	if (task != NULL) {
		scsi_free_scsi_task(task);
	}
}

static void write_fill(uint64_t lba, uint64_t blocks, uint64_t byte)
{
	size_t len = (size_t)blocks * block_size;
	unsigned char *data = malloc(len);
	if (data == NULL) {
		printf("ERROR out of memory\n");
		return;
	}
	memset(data, (int)byte, len);
	struct scsi_task *task = iscsi_write10_sync(iscsi, lun, (uint32_t)lba, data, (uint32_t)len, block_size,
			0, 0, 0, 0, 0);
	if (report_status(task)) {
		printf("GOOD\n");
	}
	if (task != NULL) {
		scsi_free_scsi_task(task);
	}
	free(data);
}

static void read_digest(uint64_t lba, uint64_t blocks)
{
	uint32_t len = (uint32_t)(blocks * block_size);
	struct scsi_task *task = iscsi_read10_sync(iscsi, lun, (uint32_t)lba, len, block_size, 0, 0, 0, 0, 0);
	if (report_status(task)) {
		if (task->datain.size != (int)len) {
			printf("ERROR read %d bytes of %" PRIu32 "\n", task->datain.size, len);
		} else {
			const unsigned char *d = task->datain.data;
			int uniform = 1;
			uint64_t fnv = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
			for (uint32_t i = 0; i < len; i++) {
				uniform &= d[i] == d[0];
				fnv = (fnv ^ d[i]) * 0x100000001b3ULL;
			}
			if (uniform && len > 0) {
				printf("GOOD fill=%02x\n", d[0]);
			} else {
				printf("GOOD mixed=%016" PRIx64 "\n", fnv);
			}
		}
	}
	if (task != NULL) {
		scsi_free_scsi_task(task);
	}
}

static void test_unit_ready(void)
{
	struct scsi_task *task = iscsi_testunitready_sync(iscsi, lun);
	if (report_status(task)) {
		printf("GOOD\n");
	}
	if (task != NULL) {
		scsi_free_scsi_task(task);
	}
}

/* The block size, from READ CAPACITY(10); a new nexus's unit attentions (SPC-4 6.2) are consumed and named. */
static int read_block_size(char *ua, size_t ua_len)
{
	ua[0] = '\0';
	for (int attempt = 0; attempt < 8; attempt++) {
		struct scsi_task *task = iscsi_readcapacity10_sync(iscsi, lun, 0, 0);
		if (task == NULL) {
			return -1;
		}
		if (task->status == SCSI_STATUS_GOOD) {
			struct scsi_readcapacity10 *rc = scsi_datain_unmarshall(task);
			if (rc != NULL) {
				block_size = rc->block_size;
			}
			scsi_free_scsi_task(task);
			return rc != NULL ? 0 : -1;
		}
		if (task->status == SCSI_STATUS_CHECK_CONDITION && task->sense.key == SCSI_SENSE_UNIT_ATTENTION) {
			size_t used = strlen(ua);
			snprintf(ua + used, ua_len - used, "%s6/%02x/%02x", used == 0 ? "" : ",",
				 (task->sense.ascq >> 8) & 0xff, task->sense.ascq & 0xff);
			scsi_free_scsi_task(task);
			continue;
		}
		fprintf(stderr, "READ CAPACITY(10): status 0x%x\n", task->status);
		scsi_free_scsi_task(task);
		return -1;
	}
	return -1;
}

static void execute(char *line)
{
	char *argv[8] = {0};
	int argc = 0;
	for (char *tok = strtok(line, " \t\r\n"); tok != NULL && argc < 8; tok = strtok(NULL, " \t\r\n")) {
		argv[argc++] = tok;
	}
	if (argc == 0) {
		printf("ERROR empty command\n");
		return;
	}
	const char *cmd = argv[0];
	uint64_t a, b, c;
	int aptpl = 0;
	if (strcmp(cmd, "register") == 0 && argc >= 3 && !parse_hex(argv[1], &a) && !parse_hex(argv[2], &b)) {
		aptpl = argc > 3 && strcmp(argv[3], "aptpl") == 0;
		prout(SCSI_PERSISTENT_RESERVE_REGISTER, a, b, 0, aptpl);
	} else if (strcmp(cmd, "register-ignore") == 0 && argc >= 2 && !parse_hex(argv[1], &b)) {
		aptpl = argc > 2 && strcmp(argv[2], "aptpl") == 0;
		prout(SCSI_PERSISTENT_RESERVE_REGISTER_AND_IGNORE_EXISTING_KEY, 0, b, 0, aptpl);
	} else if (strcmp(cmd, "reserve") == 0 && argc == 3 && !parse_hex(argv[1], &a) && !parse_dec(argv[2], &c)) {
		prout(SCSI_PERSISTENT_RESERVE_RESERVE, a, 0, (int)c, 0);
	} else if (strcmp(cmd, "release") == 0 && argc == 3 && !parse_hex(argv[1], &a) && !parse_dec(argv[2], &c)) {
		prout(SCSI_PERSISTENT_RESERVE_RELEASE, a, 0, (int)c, 0);
	} else if (strcmp(cmd, "clear") == 0 && argc == 2 && !parse_hex(argv[1], &a)) {
		prout(SCSI_PERSISTENT_RESERVE_CLEAR, a, 0, 0, 0);
	} else if ((strcmp(cmd, "preempt") == 0 || strcmp(cmd, "preempt-abort") == 0) && argc == 4
		   && !parse_hex(argv[1], &a) && !parse_hex(argv[2], &b) && !parse_dec(argv[3], &c)) {
		prout(strcmp(cmd, "preempt") == 0 ? SCSI_PERSISTENT_RESERVE_PREEMPT
			  : SCSI_PERSISTENT_RESERVE_PREEMPT_AND_ABORT, a, b, (int)c, 0);
	} else if (strcmp(cmd, "read-keys") == 0 && argc == 1) {
		read_keys();
	} else if (strcmp(cmd, "read-reservation") == 0 && argc == 1) {
		read_reservation();
	} else if (strcmp(cmd, "write") == 0 && argc == 4 && !parse_dec(argv[1], &a) && !parse_dec(argv[2], &b)
		   && !parse_hex(argv[3], &c) && b > 0 && b <= 2048 && c <= 0xff) {
		write_fill(a, b, c);
	} else if (strcmp(cmd, "read") == 0 && argc == 3 && !parse_dec(argv[1], &a) && !parse_dec(argv[2], &b)
		   && b > 0 && b <= 2048) {
		read_digest(a, b);
	} else if (strcmp(cmd, "tur") == 0 && argc == 1) {
		test_unit_ready();
	} else {
		printf("ERROR bad command: %s (argc %d)\n", cmd, argc);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s iscsi://HOST:PORT/IQN/LUN INITIATOR-IQN [TIMEOUT-SECONDS]\n", argv[0]);
		return 2;
	}
	int timeout = argc == 4 ? atoi(argv[3]) : 30;
	iscsi = iscsi_create_context(argv[2]);
	if (iscsi == NULL) {
		fprintf(stderr, "cannot create an iSCSI context\n");
		return 1;
	}
	struct iscsi_url *url = iscsi_parse_full_url(iscsi, argv[1]);
	if (url == NULL) {
		fprintf(stderr, "bad URL %s: %s\n", argv[1], iscsi_get_error(iscsi));
		return 2;
	}
	lun = url->lun;
	iscsi_set_targetname(iscsi, url->target);
	iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(iscsi, ISCSI_HEADER_DIGEST_NONE_CRC32C);
	iscsi_set_noautoreconnect(iscsi, 1);
	iscsi_set_timeout(iscsi, timeout);
	if (iscsi_full_connect_sync(iscsi, url->portal, url->lun) != 0) {
		fprintf(stderr, "login to %s failed: %s\n", argv[1], iscsi_get_error(iscsi));
		printf("ERROR login failed: %s\n", iscsi_get_error(iscsi));
		return 1;
	}
	iscsi_destroy_url(url);

	char ua[256];
	if (read_block_size(ua, sizeof(ua)) != 0) {
		printf("ERROR READ CAPACITY failed: %s\n", iscsi_get_error(iscsi));
		return 1;
	}
	printf("READY %" PRIu32 " ua=%s\n", block_size, ua);
	fflush(stdout);

	char line[512];
	while (fgets(line, sizeof(line), stdin) != NULL) {
		execute(line);
		fflush(stdout);
	}
	iscsi_logout_sync(iscsi);
	iscsi_destroy_context(iscsi);
	return 0;
}
