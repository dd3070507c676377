/** The grantwatch command and runtime. */
package io.grantwatch.app;
