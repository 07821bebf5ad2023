/** Marathon app definitions, validation and client. Empty until its issue: nothing here pretends to work. */
package io.lunpool.marathon;
