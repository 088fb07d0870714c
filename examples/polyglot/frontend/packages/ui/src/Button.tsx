import type { ReactNode } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger";

/** Props of {@link Button}. */
export interface ButtonProps {
  variant?: ButtonVariant;
  disabled?: boolean;
  onClick?: () => void;
  children: ReactNode;
}

/** The one button of the design system. */
export function Button({ variant = "primary", disabled, onClick, children }: ButtonProps) {
  return (
    <button className={classFor(variant)} disabled={disabled} onClick={onClick}>
      {children}
    </button>
  );
}

function classFor(variant: ButtonVariant): string {
  return `btn btn-${variant}`;
}
