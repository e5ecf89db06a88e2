// The Element Timing API's attribute (https://w3c.github.io/element-timing/): the browser reports
// when an element so marked is first painted. React passes it through; its types do not list it.
import 'react';

declare module 'react' {
  // A merged declaration must repeat React's type parameter, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface HTMLAttributes<T> {
    elementtiming?: string;
  }
}
