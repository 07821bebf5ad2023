/*
 * liblunpoolhost: the system calls on lunpool's attach and mount path, for io.lunpool.backend.host.NativeHost.
 *
 * Each call is what util-linux does for the same job, without a fork and an exec, which cost many times what the
 * system calls themselves do. A failure throws
 * NativeHost.Failure(message, errno) with the call, its argument and strerror in the message.
 */
#define _GNU_SOURCE
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define LOOP_MAJOR_NUMBER 7
#define FREE_DEVICE_ATTEMPTS 16
#define WHAT_SIZE 1100

/* Throws NativeHost.Failure("<what>: <strerror> (errno N)", N); {@code what} is plain text, not a format. */
static void throw_failure(JNIEnv *env, int err, const char *what) {
    char message[1400];
    char reason[256];
    const char *text = strerror_r(err, reason, sizeof reason);
    snprintf(message, sizeof message, "%s: %s (errno %d)", what, text, err);
    jclass failure = (*env)->FindClass(env, "io/lunpool/backend/host/NativeHost$Failure");
    if (failure == NULL) {
        return; /* NoClassDefFoundError is pending */
    }
    jmethodID ctor = (*env)->GetMethodID(env, failure, "<init>", "(Ljava/lang/String;I)V");
    if (ctor == NULL) {
        return;
    }
    jstring jmessage = (*env)->NewStringUTF(env, message);
    if (jmessage == NULL) {
        return;
    }
    jobject exception = (*env)->NewObject(env, failure, ctor, jmessage, (jint) err);
    if (exception != NULL) {
        (*env)->Throw(env, (jthrowable) exception);
    }
}

/* Formats the failure's text (arguments are substituted, never used as formats) and throws it. */
#define FAIL(err, ...)                                  \
    do {                                                \
        int fail_errno_ = (err);                        \
        char fail_what_[WHAT_SIZE];                     \
        snprintf(fail_what_, sizeof fail_what_, __VA_ARGS__); \
        throw_failure(env, fail_errno_, fail_what_);    \
    } while (0)

/* Opens /dev/loopN, creating the node when this /dev has none (a container without udev, as losetup does). */
static int open_loop(int number, int flags) {
    char path[64];
    snprintf(path, sizeof path, "/dev/loop%d", number);
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        if (mknod(path, S_IFBLK | 0660, makedev(LOOP_MAJOR_NUMBER, number)) < 0 && errno != EEXIST) {
            return -1;
        }
        fd = open(path, flags | O_CLOEXEC);
    }
    return fd;
}

/*
 * Binds the file to the lowest free loop device with LOOP_CONFIGURE (one ioctl) and returns its number. Direct
 * I/O is asked for first; a filesystem that cannot do it for this file gets a buffered binding, as
 * losetup --direct-io=on does. A device that another process binds between LOOP_CTL_GET_FREE and our ioctl
 * (EBUSY) sends us to the next free one.
 */
static int attach(JNIEnv *env, const char *backing, int direct_io) {
    int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (control < 0) {
        FAIL(errno, "opening /dev/loop-control to attach %s", backing);
        return -1;
    }
    int result = -1;
    int use_direct_io = direct_io;
    for (int attempt = 0; attempt < FREE_DEVICE_ATTEMPTS; attempt++) {
        int number = ioctl(control, LOOP_CTL_GET_FREE);
        if (number < 0) {
            FAIL(errno, "finding a free loop device for %s", backing);
            break;
        }
        int file = open(backing, O_RDWR | O_CLOEXEC | (use_direct_io ? O_DIRECT : 0));
        if (file < 0 && use_direct_io && errno == EINVAL) {
            use_direct_io = 0;
            file = open(backing, O_RDWR | O_CLOEXEC);
        }
        if (file < 0) {
            FAIL(errno, "opening the backing file %s", backing);
            break;
        }
        int device = open_loop(number, O_RDWR);
        if (device < 0) {
            int err = errno;
            close(file);
            FAIL(err, "opening /dev/loop%d to attach %s", number, backing);
            break;
        }
        struct loop_config config;
        memset(&config, 0, sizeof config);
        config.fd = (unsigned int) file;
        config.info.lo_flags = use_direct_io ? LO_FLAGS_DIRECT_IO : 0;
        strncpy((char *) config.info.lo_file_name, backing, LO_NAME_SIZE - 1);
        int rc = ioctl(device, LOOP_CONFIGURE, &config);
        int err = errno;
        if (rc < 0 && use_direct_io && err == EINVAL) {
            config.info.lo_flags = 0;
            rc = ioctl(device, LOOP_CONFIGURE, &config);
            err = errno;
        }
        close(file);
        close(device);
        if (rc == 0) {
            result = number;
            break;
        }
        if (err != EBUSY) {
            FAIL(err, "binding %s to /dev/loop%d", backing, number);
            break;
        }
    }
    if (result < 0 && !(*env)->ExceptionCheck(env)) {
        FAIL(EBUSY, "every free loop device was taken by another process while attaching %s", backing);
    }
    close(control);
    return result;
}

JNIEXPORT jint JNICALL Java_io_lunpool_backend_host_NativeHost_attachLoop(JNIEnv *env, jclass cls, jstring jbacking,
                                                                           jboolean direct_io) {
    (void) cls;
    const char *backing = (*env)->GetStringUTFChars(env, jbacking, NULL);
    if (backing == NULL) {
        return -1;
    }
    int number = attach(env, backing, direct_io == JNI_TRUE);
    (*env)->ReleaseStringUTFChars(env, jbacking, backing);
    return number;
}

/*
 * Flushes /dev/loopN to its file (fsync of the block device, as blockdev --flushbufs) and unbinds it. While
 * someone else holds the device open (a mount, a udev probe) the kernel only marks it for autoclear and
 * unbinds it at the last close. An unbound or missing device is detached already: returns false for it.
 */
JNIEXPORT jboolean JNICALL Java_io_lunpool_backend_host_NativeHost_detachLoop(JNIEnv *env, jclass cls, jint number) {
    (void) cls;
    char path[64];
    snprintf(path, sizeof path, "/dev/loop%d", (int) number);
    int device = open(path, O_RDONLY | O_CLOEXEC);
    if (device < 0) {
        if (errno == ENOENT || errno == ENXIO) {
            return JNI_FALSE;
        }
        FAIL(errno, "opening %s to detach it", path);
        return JNI_FALSE;
    }
    struct loop_info64 info;
    if (ioctl(device, LOOP_GET_STATUS64, &info) < 0 && errno == ENXIO) {
        close(device); /* unbound: a flush would fail with EIO */
        return JNI_FALSE;
    }
    jboolean detached = JNI_TRUE;
    if (fsync(device) < 0 && errno != EINVAL && errno != ENXIO) {
        FAIL(errno, "flushing %s before detaching it", path);
        close(device);
        return JNI_FALSE;
    }
    if (ioctl(device, LOOP_CLR_FD, 0) < 0) {
        if (errno == ENXIO) {
            detached = JNI_FALSE;
        } else {
            FAIL(errno, "detaching %s", path);
        }
    }
    close(device);
    return detached;
}

JNIEXPORT void JNICALL Java_io_lunpool_backend_host_NativeHost_mount(JNIEnv *env, jclass cls, jstring jsource,
                                                                      jstring jtarget, jstring jtype, jstring jdata) {
    (void) cls;
    const char *source = (*env)->GetStringUTFChars(env, jsource, NULL);
    const char *target = source == NULL ? NULL : (*env)->GetStringUTFChars(env, jtarget, NULL);
    const char *type = target == NULL ? NULL : (*env)->GetStringUTFChars(env, jtype, NULL);
    const char *data = type == NULL ? NULL : (*env)->GetStringUTFChars(env, jdata, NULL);
    if (data != NULL) {
        if (mount(source, target, type, MS_NOATIME, data) < 0) {
            FAIL(errno, "mount -t %s %s on %s", type, source, target);
        }
    }
    if (data != NULL) {
        (*env)->ReleaseStringUTFChars(env, jdata, data);
    }
    if (type != NULL) {
        (*env)->ReleaseStringUTFChars(env, jtype, type);
    }
    if (target != NULL) {
        (*env)->ReleaseStringUTFChars(env, jtarget, target);
    }
    if (source != NULL) {
        (*env)->ReleaseStringUTFChars(env, jsource, source);
    }
}

JNIEXPORT void JNICALL Java_io_lunpool_backend_host_NativeHost_umount(JNIEnv *env, jclass cls, jstring jtarget) {
    (void) cls;
    const char *target = (*env)->GetStringUTFChars(env, jtarget, NULL);
    if (target == NULL) {
        return;
    }
    if (umount2(target, UMOUNT_NOFOLLOW) < 0) {
        FAIL(errno, "umount of %s", target);
    }
    (*env)->ReleaseStringUTFChars(env, jtarget, target);
}

/*
 * Whether the path is the root of a mount (statx's STATX_ATTR_MOUNT_ROOT, Linux 5.8+): one system call instead of
 * reading /proc/self/mountinfo, which grows with every mounted volume. Returns 1 or 0; -1 when this kernel does
 * not report the attribute; throws when the path cannot be looked at (ENOENT included).
 */
JNIEXPORT jint JNICALL Java_io_lunpool_backend_host_NativeHost_isMountRoot(JNIEnv *env, jclass cls, jstring jpath) {
    (void) cls;
    const char *path = (*env)->GetStringUTFChars(env, jpath, NULL);
    if (path == NULL) {
        return -1;
    }
    struct statx stx;
    int result = -1;
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) < 0) {
        FAIL(errno, "statx of %s", path);
    } else if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) {
        result = (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
    }
    (*env)->ReleaseStringUTFChars(env, jpath, path);
    return result;
}
