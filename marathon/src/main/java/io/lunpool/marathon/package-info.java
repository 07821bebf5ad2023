/** Marathon app definitions, validation and client: not built yet, so this package is empty and claims nothing. */
package io.lunpool.marathon;
